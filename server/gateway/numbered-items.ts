// Numbered lists in the chat (topics, a topic's services, halls, a menu group): the gateway
// remembers the last one it sent each citizen for a while, so replying "2" picks its second item
// instead of falling through to the human desk.
import type { BuiltHall } from '../builder/index.js';
import { cityDate, isOpenAt, weekdayOf } from '../calendar/index.js';
import { type HallOutage, outageAt, outageText } from '../loop/index.js';
import { departmentName, type BuildIndex } from './build-index.js';

export type NumberedItem =
  | { kind: 'topic'; topic: string }
  | { kind: 'service'; service: string }
  | { kind: 'hall'; hall: string }
  /** A department's canned answer (a disambiguation list can offer one). */
  | { kind: 'answer'; answer: string }
  /** A cross-department matter (一件事) by id (a disambiguation list can offer one). */
  | { kind: 'matter'; matter: string }
  /** A menu button inside a group: answered like tapping it. */
  | { kind: 'menu'; key: string };

export interface RecentList {
  items: NumberedItem[];
  at: number;
}

/** How long "2" still means the second item of the last list. */
export const LIST_MEMORY_MS = 30 * 60_000;
/** A message that is only a number of one or two digits (half or full width, after normalising). */
export const ITEM_NUMBER = /^\d{1,2}$/;

export function recentItems(lists: Map<string, RecentList> | undefined, openid: string, now: Date): NumberedItem[] | undefined {
  const last = lists?.get(openid);
  return last && now.getTime() - last.at < LIST_MEMORY_MS ? last.items : undefined;
}

/** One hall as text: what a citizen needs to go there today. */
export function hallText(index: BuildIndex, hall: BuiltHall, now: Date, outages: readonly HallOutage[] = []): string {
  const calendar = index.build.account.calendar;
  const date = cityDate(now);
  const closed = hall.closedDates?.includes(date) || calendar.holidays.includes(date);
  const today = closed ? '' : (hall.hours[weekdayOf(date)] ?? []).map((r) => `${r.open}-${r.close}`).join('、');
  const outage = outageAt(outages, hall.ref, now);
  const open = !outage && isOpenAt(hall.hours, now, { closedDates: hall.closedDates, calendar });
  const lines = [
    `${hall.name}（${departmentName(index, hall.department) ?? hall.department}）`,
    `地址：${hall.address}`,
    `今天：${today || '不办公'}，${outage ? outageText(outage) : open ? '正在办公' : '现在不在办公时间'}`,
  ];
  if (hall.phone) lines.push(`电话：${hall.phone}`);
  return lines.join('\n');
}
