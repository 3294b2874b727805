// WeChat retries a push it got no answer to within 5 s, and behind a proxy the retry may reach
// another process than the first attempt. With a store several processes share, the first
// process to see a push claims its dedup key in the store and publishes its answer there; a
// process that receives a retry answers with that answer instead of routing the push again (no
// second desk ticket, no second connector call, no second log record, and no second answer when
// the first process sends its late answer as a customer-service message). If no answer appears
// within the wait, the first process is gone or stuck: the retry is routed here after all.
import type { SharedOnce } from '../store/index.js';
import type { RouteResult } from './route-types.js';

export interface SharedDecisionOptions {
  once: SharedOnce;
  /** How long a claim lasts: as long as the in-process dedup remembers a push. */
  ttlMs: number;
  /** How long a retry waits for the first process's answer before routing the push itself. */
  waitMs: number;
  pollMs?: number;
  warn: (line: string) => void;
}

const claimKey = (key: string) => `push:${key}`;

export async function decideOnce(options: SharedDecisionOptions, key: string, decide: () => RouteResult | Promise<RouteResult>): Promise<RouteResult> {
  const { once, warn } = options;
  if (await once.claim(claimKey(key), options.ttlMs)) {
    const result = await decide();
    // Off the reply's path: a retry elsewhere polls for it.
    void once.settle(claimKey(key), JSON.stringify(result)).catch((e: Error) => warn(`保存消息去重结果失败：${e.message}`));
    return result;
  }
  const until = Date.now() + options.waitMs;
  for (;;) {
    const outcome = await once.outcome(claimKey(key));
    if (outcome !== undefined) return JSON.parse(outcome) as RouteResult;
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
  warn(`重试的推送在 ${options.waitMs} 毫秒内没有等到首次处理的结果，由本进程处理`);
  return decide();
}
