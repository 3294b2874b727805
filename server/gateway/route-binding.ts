// Chat answers that use the citizen's bindings: the words 绑定 / 解绑 (the bindings room answers),
// and a query keyword sent alone by a bound citizen ("违章"), which runs the query with each bound
// thing instead of asking for the plate. The message log keeps only the word or the query, never a value.
import { answerBindingChat, boundQueryInputs, queryBindingOf } from '../bindings/index.js';
import type { WechatMessage } from '../wechat/index.js';
import { departmentName, serviceUrl } from './build-index.js';
import * as R from './replies.js';
import { answerQuery } from './route-query.js';
import type { RouteContext, RouteResult } from './route-types.js';

const MAX_REPLY_BYTES = 2048;

export async function answerBindingWords(msg: WechatMessage, text: string, ctx: RouteContext): Promise<RouteResult> {
  const answer = await answerBindingChat(ctx.bindings!, { openid: msg.fromUser, text, dryRun: ctx.dryRun, build: ctx.index.build });
  const owner = answer.department ? `（${departmentName(ctx.index, answer.department) ?? answer.department}）` : '';
  return {
    reply: R.textReply(answer.text),
    trace: { answeredBy: 'keyword', rule: answer.rule, ...(answer.department ? { department: answer.department } : {}), reason: `消息以“${answer.rule}”开头，由绑定服务回答${owner}：${answer.outcome}` },
  };
}

/** Whether a query service (or any service of a shared keyword) can run on the citizen's bindings. */
export function usesBindings(ctx: RouteContext, services: string[]): boolean {
  return !!ctx.bindings && !!ctx.queries && services.some((ref) => queryBindingOf(ctx.index.build, ref) !== undefined);
}

/**
 * The query run once per bound thing, or undefined when the citizen has none of that kind (the
 * caller then answers as for anyone). others: the other services of a shared keyword, listed after.
 */
export async function answerBoundQuery(msg: WechatMessage, ref: string, ctx: RouteContext, how: string, others: string[] = []): Promise<RouteResult | undefined> {
  const bound = await boundQueryInputs(ctx.bindings!, { openid: msg.fromUser, service: ref });
  if (bound.length === 0) return undefined;
  const results = await Promise.all(bound.map((b) => answerQuery(msg, ref, b.inputs, ctx, how)));
  const texts = results.map((r) => (r.reply.kind === 'text' ? r.reply.content : '')).filter(Boolean);
  const more = others
    .map((other) => ctx.index.services.get(other))
    .filter((s): s is NonNullable<typeof s> => !!s)
    .map((s) => `<a href="${serviceUrl(ctx.index, s)}">${departmentName(ctx.index, s.department) ?? s.department}：${s.name}</a>`);
  const tail = more.length > 0 ? `\n\n其他相关服务：${more.join('；')}` : '';
  let content = '';
  for (const text of texts) {
    const next = content ? `${content}\n\n${text}` : text;
    if (Buffer.byteLength(next + tail) > MAX_REPLY_BYTES && content) break;
    content = next;
  }
  const first = results[0]!;
  return {
    reply: R.textReply(content + tail),
    trace: { ...first.trace, reason: `市民已绑定 ${bound.length} 项，直接用绑定信息查询（不必输入号码）；${first.trace.reason}` },
  };
}
