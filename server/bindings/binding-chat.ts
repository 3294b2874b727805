// Binding by chat: "绑定" says what can be bound (and what is), "绑定 鄂A12345 4F2A91" binds through
// a kind's chat pattern, "解绑" lists the citizen's bindings and "解绑 2" removes the second. The
// gateway routes these words here before keyword rules; replies never echo a full value.
import type { AccountBuild, BuiltBindingKind } from '../builder/index.js';
import { AppError } from '../errors.js';
import { compilePattern, PatternError, type CompiledPattern } from '../patterns/index.js';
import { chatText } from '../query/index.js';
import type { BindingsDeps } from './binding-types.js';
import { addBinding, removeBinding } from './manage-bindings.js';
import { listBindings } from './read-bindings.js';

export const BIND_WORD = '绑定';
export const UNBIND_WORD = '解绑';

export interface BindingChatAnswer {
  text: string;
  /** bound, unbound, listed, help, refused (the check or the verification said no), failed */
  outcome: 'bound' | 'unbound' | 'listed' | 'help' | 'refused' | 'failed';
  /** The word that routed here (绑定 / 解绑): what the message log may keep. */
  rule: string;
  department?: string;
}

/** Whether a message is for the bindings room: it starts with 绑定 or 解绑 and the city declares bindings. */
export function isBindingMessage(build: AccountBuild, text: string): boolean {
  if (!build.bindings?.length) return false;
  // Every text push passes here: look at the first two characters only, not the whole message.
  const head = text.replace(/^\s+/, '').slice(0, 2).normalize('NFKC');
  return head === BIND_WORD || head === UNBIND_WORD;
}

const compiled = new WeakMap<AccountBuild, { kind: BuiltBindingKind; pattern: CompiledPattern }[]>();

function chatRules(build: AccountBuild) {
  let rules = compiled.get(build);
  if (!rules) {
    rules = [];
    for (const kind of build.bindings ?? []) {
      for (const source of kind.chat?.patterns ?? []) {
        const pattern = compilePattern(source);
        if (!(pattern instanceof PatternError)) rules.push({ kind, pattern });
      }
    }
    compiled.set(build, rules);
  }
  return rules;
}

/** build: the build the gateway routes with (the simulator's draft); defaults to the live one. */
export async function answerBindingChat(deps: BindingsDeps, input: { openid: string; text: string; dryRun?: boolean; build?: AccountBuild }): Promise<BindingChatAnswer> {
  const build = input.build ?? deps.live.current();
  const message = chatText(input.text);
  const page = `${build.publicBaseUrl}/me/bindings`;
  if (message.startsWith(UNBIND_WORD)) return unbind(deps, input, message.slice(UNBIND_WORD.length).trim(), page);
  const rest = message.slice(BIND_WORD.length).trim();
  if (rest === '') return bindHelp(deps, build, input.openid, page);
  for (const { kind, pattern } of chatRules(build)) {
    const m = pattern.exec(message);
    if (!m) continue;
    const fields: Record<string, string> = { ...(kind.chat?.defaults ?? {}) };
    for (const field of kind.fields) if (m.groups?.[field.name] !== undefined) fields[field.name] = m.groups[field.name]!;
    if (input.dryRun) return { text: `（模拟）将绑定${kind.name}，需经核验。`, outcome: 'bound', rule: BIND_WORD, department: kind.department };
    try {
      const view = await addBinding(deps, { openid: input.openid, ...(build.account.id ? { account: build.account.id } : {}), department: kind.department, kind: kind.id, fields });
      const uses = kind.summary ? `\n${kind.summary}` : '';
      return { text: `已绑定${view.label}。${uses}\n<a href="${page}">管理我的绑定</a>`, outcome: 'bound', rule: BIND_WORD, department: kind.department };
    } catch (err) {
      return refusal(err, `绑定${kind.name}`, page, kind.department);
    }
  }
  const examples = (build.bindings ?? []).filter((k) => k.chat?.example).map((k) => `${k.name}：发送“${k.chat!.example}”`);
  const how = examples.length > 0 ? `\n${examples.join('\n')}` : '';
  return { text: `没有看懂要绑定的信息。${how}\n也可<a href="${page}">在线填写绑定</a>。`, outcome: 'help', rule: BIND_WORD };
}

async function bindHelp(deps: BindingsDeps, build: AccountBuild, openid: string, page: string): Promise<BindingChatAnswer> {
  const own = await listBindings(deps, openid);
  const lines = (build.bindings ?? []).map((k) => `· ${k.name}${k.chat?.example ? `：发送“${k.chat.example}”` : '：请在线填写'}`);
  const mine = own.length > 0 ? `\n您已绑定：${own.map((b) => b.label).join('；')}。发送“解绑”可解除。` : '';
  return { text: `可以绑定：\n${lines.join('\n')}\n或<a href="${page}">在线绑定</a>，绑定后查询无需再输入号码。${mine}`, outcome: 'help', rule: BIND_WORD };
}

async function unbind(deps: BindingsDeps, input: { openid: string; dryRun?: boolean }, rest: string, page: string): Promise<BindingChatAnswer> {
  const own = await listBindings(deps, input.openid);
  if (own.length === 0) return { text: `您还没有绑定任何信息。发送“绑定”了解可以绑定什么。`, outcome: 'listed', rule: UNBIND_WORD };
  const n = /^\d{1,2}$/.test(rest) ? Number(rest) : undefined;
  const chosen = n === undefined ? undefined : own[n - 1];
  if (!chosen) {
    const list = own.map((b, i) => `${i + 1}. ${b.label}`).join('\n');
    const wrong = n !== undefined ? `没有第 ${n} 项。` : '';
    return { text: `${wrong}您的绑定：\n${list}\n回复“解绑 序号”解除（如“解绑 1”），解除后相关信息即删除。\n<a href="${page}">管理我的绑定</a>`, outcome: 'listed', rule: UNBIND_WORD };
  }
  if (input.dryRun) return { text: `（模拟）将解除绑定：${chosen.label}。`, outcome: 'unbound', rule: UNBIND_WORD, department: chosen.department };
  try {
    const removed = await removeBinding(deps, { openid: input.openid, id: chosen.id });
    return { text: `已解除绑定：${removed.label}，相关信息已删除。`, outcome: 'unbound', rule: UNBIND_WORD, department: removed.department };
  } catch (err) {
    return refusal(err, '解除绑定', page, chosen.department);
  }
}

function refusal(err: unknown, what: string, page: string, department: string): BindingChatAnswer {
  if (err instanceof AppError && err.code !== 'INTERNAL') {
    const outcome = err.code === 'QUERY_SOURCE_UNAVAILABLE' ? 'failed' : 'refused';
    const details = err.code === 'VALIDATION' && Array.isArray(err.details) && err.message === '绑定信息不完整或有误' ? `：${(err.details as { message: string }[]).map((d) => d.message).join('；')}` : '';
    return { text: `${what}未成功。${err.message}${details}\n也可<a href="${page}">在线办理</a>。`, outcome, rule: what.startsWith('解除') ? UNBIND_WORD : BIND_WORD, department };
  }
  throw err;
}
