// WeChat retries a push up to three times within ~15 s when it gets no answer in 5 s.
// Each push's work runs once: retries share the first attempt's promise (even while it is
// still running), so they get the same reply and cause no second side effect.
import { ExpiringMap, type WechatMessage } from '../wechat/index.js';

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

/** A first attempt still running (or late): retries share its promise and its late flag. */
class Pending<T> implements OnceEntry<T> {
  late = false;
  settled?: { value: T };
  constructor(readonly promise: Promise<T>) {}
}

/**
 * The pushes of the last ttl and what each was answered. A decision is kept as the value itself
 * (a keyword's answer is the build's shared object), so a window of a hundred thousand pushes is
 * a hundred thousand keys and references (expiring-map.ts); only an attempt that did not decide
 * at once (a hand-off to the desk, a query) keeps an entry object.
 */
export class OnceCache<T> {
  private readonly entries: ExpiringMap<T | Pending<T>>;
  constructor(ttlMs: number, maxEntries = MAX_ONCE_ENTRIES) {
    this.entries = new ExpiringMap(ttlMs, maxEntries);
  }

  /** The entry for key, and whether this call created it (false for a retry). */
  get(key: string, now: number, run: () => T | Promise<T>): { entry: OnceEntry<T>; first: boolean } {
    const existing = this.peek(key, now);
    if (existing) return { entry: existing, first: false };
    const result = run();
    if (result instanceof Promise) return { entry: this.remember(key, now, result), first: true };
    this.rememberValue(key, now, result);
    return { entry: { promise: Promise.resolve(result), late: false, settled: { value: result } }, first: true };
  }

  /** The live entry for key (a retry), or undefined. */
  peek(key: string, now: number): OnceEntry<T> | undefined {
    const kept = this.entries.get(key, now);
    if (kept instanceof Pending) return kept;
    if (kept === undefined) return undefined;
    return { promise: Promise.resolve(kept), late: false, settled: { value: kept } };
  }

  /** Remembers a first attempt decided synchronously: answered at once, so the caller needs no entry. */
  rememberValue(key: string, now: number, value: T): void {
    this.entries.set(key, value, now);
  }

  /** Remembers a first attempt still running; returns its entry (kept whole: its late flag must outlive it). */
  remember(key: string, now: number, promise: Promise<T>): OnceEntry<T> {
    const entry = new Pending(promise);
    this.entries.set(key, entry, now);
    promise.then((value) => (entry.settled = { value }), () => undefined);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}
