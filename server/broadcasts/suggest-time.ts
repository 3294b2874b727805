// 按读者习惯发: the suggested send time is the hour of day (city time) when the account's
// followers were most active over the last 30 days, from the gateway's message log, not office
// hours. Too little activity gives the configured default instead, and says so.
import { cityMinutes } from '../calendar/index.js';
import type { Store } from '../store/index.js';

export const MESSAGE_LOG = 'messages';
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

export async function suggestSendTime(store: Store, now: Date, fallback: string, account?: string, days = 30): Promise<SendTimeSuggestion> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const log = store.log<{ at: string; account?: string }>(MESSAGE_LOG);
  await log.flush();
  const byHour = new Array<number>(24).fill(0);
  // Records without an account are the city's one account.
  await log.read((r) => {
    if (r.at >= since && (!account || !r.account || r.account === account)) byHour[Math.floor(cityMinutes(new Date(r.at)) / 60)]! += 1;
    return false;
  });
  const total = byHour.reduce((a, b) => a + b, 0);
  if (total < MIN_MESSAGES) {
    return { time: fallback, byHour, total, fromActivity: false, reason: `近 ${days} 天只有 ${total} 条关注者消息，不足以判断阅读习惯，暂按配置的 ${fallback} 发送` };
  }
  const peak = byHour.indexOf(Math.max(...byHour));
  const time = `${String(peak).padStart(2, '0')}:00`;
  const share = Math.round((byHour[peak]! / total) * 100);
  return { time, byHour, total, fromActivity: true, reason: `近 ${days} 天关注者在 ${peak} 时到 ${peak + 1} 时最活跃（${byHour[peak]} 条消息，占 ${share}%），建议 ${time} 发送` };
}
