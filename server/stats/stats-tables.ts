// The dashboard's tables: every chart's numbers as rows, the same rows the CSV export writes.
// A department's view shows counts from 1 to 4 as "<5" (small cells could point at a person).
import { ANSWER_NAMES, type StatsReport } from './compute-stats.js';

export type Cell = string | number;

export interface StatsTable {
  id: string;
  title: string;
  head: string[];
  rows: Cell[][];
  /** Columns holding counts (suppressed under 5 in a department's export). */
  countColumns: number[];
}

export const TABLE_IDS = ['per-day', 'per-hour', 'answers', 'tickets', 'funnel', 'ratings', 'cases'] as const;

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const dropOff = (from: number | null, to: number | null) => (from === null || to === null || from === 0 ? '—' : pct(1 - to / from));

export function statsTables(report: StatsReport): StatsTable[] {
  const { tickets, cases } = report;
  return [
    { id: 'per-day', title: '每日消息量', head: ['日期', '消息数'], rows: report.perDay.map((d) => [d.date, d.count]), countColumns: [1] },
    { id: 'per-hour', title: '各时段消息量', head: ['时段', '消息数'], rows: report.perHour.map((n, h) => [`${String(h).padStart(2, '0')}:00`, n]), countColumns: [1] },
    {
      id: 'answers', title: '答复方式', head: ['答复方式', '消息数', '占比'],
      rows: [...report.answers.map((a) => [a.name, a.count, pct(a.share)]), ['自动答复率', '', pct(report.automaticRate)]], countColumns: [1],
    },
    {
      id: 'tickets', title: '人工客服工单', head: ['指标', '数量'],
      rows: [['工单总数', tickets.total], ['待回复', tickets.open], ['超时未回复', tickets.overdue], ['已回复', tickets.answered], ['超过承诺时间回复', tickets.late]], countColumns: [1],
    },
    {
      id: 'funnel', title: '服务办理漏斗', head: ['服务事项', '预约', '申请', '已缴费', '已办结', '已评价', '申请→办结流失', '办结→评价流失'],
      rows: report.funnel.map((f) => [f.serviceName, f.appointments, f.applications, f.paid ?? '—', f.completed, f.rated, dropOff(f.applications, f.completed), dropOff(f.completed, f.rated)]),
      countColumns: [1, 2, 3, 4, 5],
    },
    {
      id: 'ratings', title: '好差评：评价等级', head: ['评价等级', '数量'],
      rows: [...report.ratings.map((r) => [r.name, r.count]), ['满意率', pct(report.satisfactionRate)]], countColumns: [1],
    },
    {
      id: 'cases', title: '差评整改', head: ['状态', '数量'],
      rows: [['差评总数', cases.total], ['按期整改', cases.onTime], ['逾期', cases.overdue], ['整改中（未到期）', cases.pending], ['已申诉', cases.appealed]], countColumns: [1],
    },
  ];
}

export { ANSWER_NAMES };

/** Counts from 1 to 4 become "<5"; rows that are rates (a string in a count column) are left alone. */
export function suppressSmallCounts(table: StatsTable): StatsTable {
  return {
    ...table,
    rows: table.rows.map((row) => row.map((cell, i) => (table.countColumns.includes(i) && typeof cell === 'number' && cell > 0 && cell < 5 ? '<5' : cell))),
  };
}

const csvCell = (cell: Cell) => {
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** UTF-8 with a byte-order mark, CRLF lines: Excel opens the Chinese headings correctly. */
export function tableCsv(table: StatsTable): string {
  return `\uFEFF${[table.head, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
