// Freshness of signed pushes. The plain-mode signature covers token, timestamp and nonce but not
// the body, so a captured callback URL could be posted again with any body: refuse timestamps
// outside the window, and inside it refuse a nonce that comes back with a different body (WeChat
// retrying with the same URL and body still passes; the gateway's dedup answers it).
import { hash } from 'node:crypto';
import type { SharedOnce } from '../store/index.js';
import { ExpiringMap } from './expiring-map.js';

export type PushRefusal = 'invalid-timestamp' | 'stale-timestamp' | 'replayed-nonce';

export interface PushGuardOptions {
  /** How far a push's timestamp may be from our clock, in seconds (WECHAT_MAX_CLOCK_SKEW_S). */
  maxClockSkewS: number;
  /** Where refusals are reported; stale timestamps loudly (a drifting clock refuses everyone). */
  warn: (line: string) => void;
  /** Wall clock in ms: WeChat signs with its current time, not the business clock. */
  nowMs?: () => number;
  /** Bound on remembered nonces; the oldest go first. */
  maxNonces?: number;
  /**
   * The store's cross-process "once" when several processes serve the city: a nonce first seen
   * by another process is then known here too, so a replay cannot pick the other process.
   */
  shared?: SharedOnce;
}

export interface PushGuardStats {
  refused: Record<PushRefusal, number>;
  /** The last stale push: how far off its timestamp was, and when it came. */
  lastStale?: { skewS: number; at: string };
}

export interface PushGuard {
  /** Why the signed push must be refused for its timestamp, or undefined. */
  checkTimestamp(timestamp: unknown): PushRefusal | undefined;
  /**
   * Plain mode, after checkTimestamp passed: refuses a nonce seen within the window with another
   * body. A promise only when the nonce is new here and other processes must be asked.
   */
  checkNonce(timestamp: string, nonce: unknown, body: string): PushRefusal | undefined | Promise<PushRefusal | undefined>;
  stats(): PushGuardStats;
}

const DIGITS = /^\d{1,12}$/;
/** A stale-timestamp alarm at most this often; the count says how many were folded in. */
const ALARM_EVERY_MS = 60_000;

export function createPushGuard(options: PushGuardOptions): PushGuard {
  const nowMs = options.nowMs ?? Date.now;
  const skewS = options.maxClockSkewS;
  const maxNonces = options.maxNonces ?? 200_000;
  const refused: Record<PushRefusal, number> = { 'invalid-timestamp': 0, 'stale-timestamp': 0, 'replayed-nonce': 0 };
  let lastStale: PushGuardStats['lastStale'];
  let lastAlarm = -Infinity;
  let sinceAlarm = 0;
  // A URL stays acceptable until its timestamp leaves the window, at most 2 x skew after it first
  // arrives: each nonce's body digest, kept compactly (expiring-map.ts).
  const nonces = new ExpiringMap<string>(2 * skewS * 1000, maxNonces);

  function staleAlarm(skew: number) {
    refused['stale-timestamp'] += 1;
    lastStale = { skewS: Math.round(skew), at: new Date(nowMs()).toISOString() };
    sinceAlarm += 1;
    if (nowMs() - lastAlarm < ALARM_EVERY_MS) return;
    options.warn(
      `【告警】拒绝微信推送：时间戳与本机时钟相差 ${Math.round(skew)} 秒，超过 WECHAT_MAX_CLOCK_SKEW_S=${skewS}` +
        `（最近 1 分钟 ${sinceAlarm} 次，累计 ${refused['stale-timestamp']} 次）。若持续出现，请检查服务器时钟（NTP），必要时调大 WECHAT_MAX_CLOCK_SKEW_S`,
    );
    lastAlarm = nowMs();
    sinceAlarm = 0;
  }

  return {
    checkTimestamp(timestamp) {
      if (typeof timestamp !== 'string' || !DIGITS.test(timestamp)) {
        refused['invalid-timestamp'] += 1;
        options.warn(`拒绝时间戳无效的推送（timestamp=${String(timestamp).slice(0, 20)}）`);
        return 'invalid-timestamp';
      }
      const skew = Math.abs(nowMs() / 1000 - Number(timestamp));
      if (skew <= skewS) return undefined;
      staleAlarm(skew);
      return 'stale-timestamp';
    },
    checkNonce(timestamp, nonce, body) {
      const now = nowMs();
      const key = `${timestamp}|${String(nonce)}`;
      const digest = hash('sha256', body, 'base64');
      const replayed = (): PushRefusal => {
        refused['replayed-nonce'] += 1;
        options.warn(`拒绝重放的推送：nonce ${String(nonce).slice(0, 20)} 已在 ${skewS} 秒窗口内带着另一消息体出现过`);
        return 'replayed-nonce';
      };
      const seen = nonces.get(key, now);
      if (seen === undefined) {
        nonces.set(key, digest, now);
        const { shared } = options;
        if (!shared) return undefined;
        return shared.claim(`nonce:${key}`, 2 * skewS * 1000, digest).then(async (first) => {
          if (first) return undefined;
          const other = await shared.outcome(`nonce:${key}`);
          return other === undefined || other === digest ? undefined : replayed();
        });
      }
      if (seen === digest) return undefined; // WeChat's own retry
      return replayed();
    },
    stats: () => ({ refused: { ...refused }, ...(lastStale ? { lastStale: { ...lastStale } } : {}) }),
  };
}
