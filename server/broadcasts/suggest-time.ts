// 按读者习惯发: the suggested send time is the hour of day (city time) when the account's
// followers were most active over the last 30 days, from the gateway's message log (through the
// stats room's daily rollups, folded incrementally, so a long log is not re-read each time), not
// office hours. Too little activity gives the configured default instead, and says so.
import { addDays, cityDate } from '../calendar/index.js';
import { readRollups, updateMessageRollups } from '../stats/index.js';
import type { Store } from '../store/index.js';

const MIN_MESSAGES = 20;

export interface SendTimeSuggestion {
  /** "HH:00" */
  time: string;
  byHour: number[];
  total: number;
  /** The sentence the console shows. */
  reason: string;
  fromActivity: boolean;
}

/**
 * `account`: the account's id; `primary`: whether it is the primary account, whose messages logged
 * before accounts had ids carry none.
 */
export async function suggestSendTime(store: Store, now: Date, fallback: string, account?: string, days = 30, primary = true): Promise<SendTimeSuggestion> {
  await updateMessageRollups(store);
  const to = cityDate(now);
  const rollups = await readRollups(store, addDays(to, -days), to);
  const byHour = new Array<number>(24).fill(0);
  for (const r of rollups) {
    if (account !== undefined && r.account !== account && !(primary && r.account === '')) continue;
    r.byHour.forEach((n, h) => (byHour[h]! += n));
  }
  const total = byHour.reduce((a, b) => a + b, 0);
  if (total < MIN_MESSAGES) {
    return { time: fallback, byHour, total, fromActivity: false, reason: `近 ${days} 天只有 ${total} 条关注者消息，不足以判断阅读习惯，暂按配置的 ${fallback} 发送` };
  }
  const peak = byHour.indexOf(Math.max(...byHour));
  const time = `${String(peak).padStart(2, '0')}:00`;
  const share = Math.round((byHour[peak]! / total) * 100);
  return { time, byHour, total, fromActivity: true, reason: `近 ${days} 天关注者在 ${peak} 时到 ${peak + 1} 时最活跃（${byHour[peak]} 条消息，占 ${share}%），建议 ${time} 发送` };
}
