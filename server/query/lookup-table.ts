// Table lookups: rows whose key columns equal the inputs, with the day class from the city
// calendar for a key filled by the date rule (mon…sun, holiday, makeup).
import type { Calendar, TableSource } from '../model/index.js';
import type { BuiltTable } from '../builder/index.js';
import { cityDate, weekdayOf } from '../calendar/index.js';

export type DayClass = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun' | 'holiday' | 'makeup';

const DAY_NAMES: Record<DayClass, string> = {
  mon: '周一',
  tue: '周二',
  wed: '周三',
  thu: '周四',
  fri: '周五',
  sat: '周六',
  sun: '周日',
  holiday: '法定节假日',
  makeup: '调休上班日',
};

/** Holidays first (a holiday on a weekday is a holiday), then weekend make-up working days. */
export function dayClassOf(date: string, calendar: Calendar): DayClass {
  if (calendar.holidays.includes(date)) return 'holiday';
  const weekday = weekdayOf(date);
  if ((weekday === 'sat' || weekday === 'sun') && calendar.workdays.includes(date)) return 'makeup';
  return weekday;
}

export interface TableAnswer {
  rows: Record<string, string>[];
  /** The day the query is about (YYYY-MM-DD) and how the calendar classes it. */
  date: string;
  day: DayClass;
  dayName: string;
  /** 12月2日（周三） */
  dateText: string;
}

// Rows by key, per table and per set of key columns asked: built on the first lookup, kept as long
// as the build's table lives, so a lookup is one Map read instead of a scan of every row (the
// lists are shared between lookups, hence frozen).
const rowIndexes = new WeakMap<BuiltTable, Map<string, Map<string, Record<string, string>[]>>>();

function rowsWith(table: BuiltTable, wanted: [string, string][]): Record<string, string>[] {
  let byColumns = rowIndexes.get(table);
  if (!byColumns) rowIndexes.set(table, (byColumns = new Map()));
  const columns = JSON.stringify(wanted.map(([column]) => column));
  let index = byColumns.get(columns);
  if (!index) {
    index = new Map();
    for (const row of table.rows) {
      const key = JSON.stringify(wanted.map(([column]) => row[column] ?? null));
      const list = index.get(key);
      if (list) list.push(row);
      else index.set(key, [row]);
    }
    for (const list of index.values()) Object.freeze(list);
    byColumns.set(columns, index);
  }
  return index.get(JSON.stringify(wanted.map(([, value]) => value))) ?? [];
}

export function lookupTable(table: BuiltTable, source: TableSource, inputs: Record<string, string | number>, calendar: Calendar, now: Date): TableAnswer {
  const asked = source.date?.input ? inputs[source.date.input] : undefined;
  const date = typeof asked === 'string' ? asked : cityDate(now);
  const day = dayClassOf(date, calendar);
  const wanted: [string, string][] = [];
  for (const key of source.keys) {
    const value = key.fromDate ? day : key.input !== undefined ? inputs[key.input] : undefined;
    if (value !== undefined && value !== '') wanted.push([key.column, String(value)]);
  }
  const rows = rowsWith(table, wanted);
  const weekdayName = DAY_NAMES[weekdayOf(date)];
  const [, month, dom] = date.split('-');
  return { rows, date, day, dayName: DAY_NAMES[day], dateText: `${Number(month)}月${Number(dom)}日（${day === 'holiday' || day === 'makeup' ? `${weekdayName}，${DAY_NAMES[day]}` : weekdayName}）` };
}
