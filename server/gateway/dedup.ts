// WeChat retries a push up to three times within ~15 s when it gets no answer in 5 s.
// Each push's work runs once: retries share the first attempt's promise (even while it is
// still running), so they get the same reply and cause no second side effect.
import type { WechatMessage } from '../wechat/index.js';

/** MsgId for messages; FromUserName+CreateTime+Event+EventKey for events (as WxJava does). */
export function dedupKey(msg: WechatMessage): string {
  if (msg.msgId) return `m:${msg.fromUser}:${msg.msgId}`;
  return `e:${msg.fromUser}:${msg.createTime}:${msg.event ?? msg.msgType}:${msg.eventKey ?? ''}`;
}

export interface OnceEntry<T> {
  promise: Promise<T>;
  /** Set when the first attempt ran out of time and the answer goes out as a customer-service message. */
  late: boolean;
  settled?: { value: T };
}

/** Pushes remembered at most: a flood of distinct pushes within the ttl cannot grow memory without bound. */
export const MAX_ONCE_ENTRIES = 100_000;

export class OnceCache<T> {
  private readonly entries = new Map<string, OnceEntry<T> & { expires: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = MAX_ONCE_ENTRIES,
  ) {}

  /** The entry for key, and whether this call created it (false for a retry). */
  get(key: string, now: number, run: () => T | Promise<T>): { entry: OnceEntry<T>; first: boolean } {
    const existing = this.peek(key, now);
    if (existing) return { entry: existing, first: false };
    return { entry: this.remember(key, now, run()), first: true };
  }

  /** The live entry for key (a retry), or undefined. */
  peek(key: string, now: number): OnceEntry<T> | undefined {
    const existing = this.entries.get(key);
    return existing && existing.expires > now ? existing : undefined;
  }

  /** Remembers the first attempt's result (or its promise) for key; returns its entry. */
  remember(key: string, now: number, result: T | Promise<T>): OnceEntry<T> {
    this.sweep(now);
    let entry: OnceEntry<T> & { expires: number };
    if (result instanceof Promise) {
      entry = { promise: result, late: false, expires: now + this.ttlMs };
      result.then((value) => (entry.settled = { value }), () => undefined);
    } else {
      // Decided synchronously: settled at once, so the caller needs no timer or race.
      entry = { promise: Promise.resolve(result), late: false, expires: now + this.ttlMs, settled: { value: result } };
    }
    this.entries.delete(key); // re-inserted at the end, keeping insertion order = expiry order
    this.entries.set(key, entry);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  // Map iteration follows insertion order, which is expiry order: stop at the first live one,
  // once there is room for one more (past the bound the oldest go first; a retry of one of them
  // is then routed again, as after a restart).
  private sweep(now: number) {
    for (const [key, entry] of this.entries) {
      if (entry.expires > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
