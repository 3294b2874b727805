// Chat answers from information queries: the query room runs the lookup; this turns its result
// into a reply and a trace. Results never reach the message log (it keeps the query, the outcome
// and the latency); a failed lookup is remembered briefly so that "人工" hands the question on.
import { followUpInputs, runQuery, type QueryResult } from '../query/index.js';
import type { WechatMessage } from '../wechat/index.js';
import { departmentName } from './build-index.js';
import * as R from './replies.js';
import type { MaybePromise, RouteContext, RouteResult } from './route-types.js';

const OUTCOME_NAMES: Record<QueryResult['outcome'], string> = {
  found: '查到结果',
  'not-found': '没有查到',
  failed: '查询失败',
  ask: '缺少查询条件',
  invalid: '查询条件有误',
  limited: '超过查询频率限制',
};

/** How long "人工" after a failed lookup still refers to it. */
export const FAILED_QUERY_MEMORY_MS = 10 * 60_000;

export function answerQuery(msg: WechatMessage, ref: string, inputs: Record<string, unknown>, ctx: RouteContext, how: string): MaybePromise<RouteResult> {
  const deps = ctx.queries!;
  const outcome = runQuery(deps, { build: ctx.index.build, service: ref, inputs, asker: { key: msg.fromUser, openid: msg.fromUser }, dryRun: ctx.dryRun });
  return outcome instanceof Promise ? outcome.then((r) => toRoute(msg, r, ctx, how)) : toRoute(msg, outcome, ctx, how);
}

function toRoute(msg: WechatMessage, r: QueryResult, ctx: RouteContext, how: string): RouteResult {
  const service = ctx.index.services.get(r.service);
  const department = service?.department;
  if (!ctx.dryRun && r.outcome !== 'limited') ctx.recentQueries?.set(msg.fromUser, { service: r.service, at: ctx.now.getTime(), outcome: r.outcome });
  const owner = departmentName(ctx.index, department) ?? '';
  const source = r.source.startsWith('table:') ? `数据表 ${r.source.slice(6)}` : `接口 ${r.source.slice(10)}`;
  return {
    reply: R.textReply(r.text),
    trace: {
      answeredBy: 'query',
      ...(department ? { department } : {}),
      rule: r.service,
      outcome: r.outcome,
      source: r.source,
      queryMs: r.latencyMs,
      reason: `${how}，由${owner}的查询“${service?.name ?? r.service}”回答（来源：${source}，用时 ${r.latencyMs} 毫秒）：${OUTCOME_NAMES[r.outcome]}。${r.reason}`,
    },
  };
}

/** After a failed lookup, "人工" becomes a desk ticket naming the query (not the citizen's inputs). */
export function failedQueryFor(msg: WechatMessage, ctx: RouteContext): string | undefined {
  const recent = ctx.recentQueries?.get(msg.fromUser);
  if (!recent || recent.outcome !== 'failed' || ctx.now.getTime() - recent.at > FAILED_QUERY_MEMORY_MS) return undefined;
  if (!ctx.dryRun) ctx.recentQueries?.delete(msg.fromUser);
  return ctx.index.services.get(recent.service)?.name ?? recent.service;
}

/** How long a bare answer ("3" after "限行") still continues the citizen's last query. */
export const FOLLOW_UP_MS = 5 * 60_000;

/** "3" right after "限行": the message is read as the last query's missing inputs, if they check out. */
export function followUpQuery(msg: WechatMessage, text: string, ctx: RouteContext): { ref: string; inputs: Record<string, string> } | undefined {
  const recent = ctx.recentQueries?.get(msg.fromUser);
  if (!ctx.queries || !recent || ctx.now.getTime() - recent.at > FOLLOW_UP_MS) return undefined;
  const inputs = followUpInputs(ctx.index.build, recent.service, text, ctx.now);
  return inputs && { ref: recent.service, inputs };
}
