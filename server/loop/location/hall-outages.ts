// A hall closed at short notice (闭厅, made from the staff workbench and kept in the store, not in
// the published files) as the location step sees it: the halls list, 附近大厅 and a hall picked from
// a numbered list must not call a hall "办公中" while it is closed.
import { addDays, cityDate, cityInstant, cityMinutes, minutesOfDay } from '../../calendar/index.js';
import { closureSpan, type HallClosure } from '../appointment/hall-closures.js';

/** What the location step reads of a closure. */
export type HallOutage = Pick<HallClosure, 'hall' | 'date' | 'from' | 'to' | 'reason'>;

const wholeDayOf = (o: HallOutage) => !o.from || !o.to;

/** The closure covering the hall at this instant, if any (a whole-day one first). */
export function outageAt(outages: readonly HallOutage[], hall: string, at: Date): HallOutage | undefined {
  const date = cityDate(at);
  const now = cityMinutes(at);
  const today = outages.filter((o) => o.hall === hall && o.date === date);
  return today.find(wholeDayOf) ?? today.find((o) => minutesOfDay(o.from!) <= now && now < minutesOfDay(o.to!));
}

/** The whole-day closure of the hall on the city day of `at`, if any. */
export function wholeDayOutage(outages: readonly HallOutage[], hall: string, at: Date): HallOutage | undefined {
  const date = cityDate(at);
  return outages.find((o) => o.hall === hall && o.date === date && wholeDayOf(o));
}

/** When the closure ends: the next midnight for a whole day, else its `to`. */
export function outageEnd(o: HallOutage): Date {
  return wholeDayOf(o) ? cityInstant(addDays(o.date, 1), '00:00') : cityInstant(o.date, o.to!);
}

/** 临时闭厅（全天）：水管爆裂 / 临时闭厅（09:00—12:00）：系统升级 */
export const outageText = (o: HallOutage) => `临时闭厅（${closureSpan(o)}）：${o.reason}`;
