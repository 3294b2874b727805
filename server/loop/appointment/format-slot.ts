// How a slot reads in Chinese: "3月1日（周六）09:00-09:30".
import { cityDate, cityMinutes, hhmm, weekdayOf } from '../../calendar/index.js';

const WEEKDAY_ZH = { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' } as const;

/** "09:00": the city's clock time of an instant. */
export function cityTime(at: Date): string {
  return hhmm(cityMinutes(at));
}

export function formatDay(date: string): string {
  const [, m, d] = date.split('-');
  return `${Number(m)}月${Number(d)}日（${WEEKDAY_ZH[weekdayOf(date)]}）`;
}

export function formatSlot(start: string, end: string): string {
  const s = new Date(start);
  return `${formatDay(cityDate(s))}${cityTime(s)}-${cityTime(new Date(end))}`;
}

/** "3月1日 09:00": a deadline in a message. */
export function formatInstant(at: Date): string {
  const date = cityDate(at);
  const [, m, d] = date.split('-');
  return `${Number(m)}月${Number(d)}日 ${cityTime(at)}`;
}
