// The decision for one inbound push: which answer, from which department's rule, and why.
// Side effects (desk ticket, last location) are keyed by the push so retries cannot repeat
// them; dryRun (the console's simulator) decides and traces without writing anything.
import { normalizeKeyword } from '../builder/normalize.js';
import type { Store } from '../store/types.js';
import type { WechatLocation, WechatMessage } from '../wechat/xml.js';
import { departmentName, type BuildIndex } from './build-index.js';
import { deskAnswerTime, deskTicketId, SIMULATOR_ACCOUNT_ID, storeDeskTicket } from './desk-handoff.js';
import type { KeywordMatch } from './keyword-matcher.js';
import { nearestHalls } from './nearest-halls.js';
import * as R from './replies.js';
import type { ReplyTemplates } from './reply-templates.js';
import { routeEvent } from './route-event.js';

export type AnsweredBy = 'keyword' | 'menu' | 'location' | 'welcome' | 'help' | 'human' | 'none';

export interface RouteTrace {
  answeredBy: AnsweredBy;
  /** Department whose rule or hall answered (or the desk's guess). */
  department?: string;
  /** Keyword text or menu key. */
  rule?: string;
  /** Plain Chinese explanation for the console's simulator. */
  reason: string;
}

export interface RouteResult {
  reply: R.Reply;
  trace: RouteTrace;
}

export interface RouteContext {
  index: BuildIndex;
  store: Store;
  templates: ReplyTemplates;
  now: Date;
  /** The push's dedup key; side-effect ids derive from it. */
  key: string;
  dryRun?: boolean;
  /** Last nearby answer per openid (location_select is followed by a location message). */
  recentNearby?: Map<string, { lat: number; lng: number; at: number }>;
}

export const CITIZEN_LOCATIONS = 'citizenLocations';
const HELP_WORDS = new Set(['帮助', '菜单', '?', 'help', '主题', '服务']);
const NEARBY_REPEAT_MS = 30_000;
const HALLS_LISTED = 3;

/**
 * A result, or a promise of one when the decision needs the store (desk tickets, locations).
 * Keyword answers, the hot path, come back synchronously so the gateway can skip its budget timer.
 */
export type MaybePromise<T> = T | Promise<T>;

export function routeMessage(msg: WechatMessage, ctx: RouteContext): MaybePromise<RouteResult> {
  switch (msg.msgType) {
    case 'event':
      return routeEvent(msg, ctx);
    case 'text':
      return routeText(msg, msg.content ?? '', ctx);
    case 'voice':
      if (msg.recognition) return routeText(msg, msg.recognition.replace(/[。！？!?.,，\s]+$/u, ''), ctx);
      return handOff(msg, '[语音]', ctx, '语音消息没有识别结果');
    case 'location':
      return msg.location ? answerNearby(msg, msg.location, ctx) : none('位置消息缺少经纬度');
    case 'image':
      return handOff(msg, `[图片] ${String(msg.raw.PicUrl ?? '')}`.trim(), ctx, '图片消息');
    case 'video':
    case 'shortvideo':
      return handOff(msg, '[视频]', ctx, '视频消息');
    case 'link':
      return handOff(msg, `[链接] ${String(msg.raw.Title ?? '')} ${String(msg.raw.Url ?? '')}`.trim(), ctx, '链接消息');
    case 'file':
      return handOff(msg, `[文件] ${String(msg.raw.Title ?? '')}`.trim(), ctx, '文件消息');
    default:
      return none(`不支持的消息类型“${msg.msgType}”`);
  }
}

export function none(reason: string, rule?: string): RouteResult {
  return { reply: R.NO_REPLY, trace: { answeredBy: 'none', reason, ...(rule ? { rule } : {}) } };
}

function routeText(msg: WechatMessage, text: string, ctx: RouteContext): MaybePromise<RouteResult> {
  const { index, templates } = ctx;
  const normalized = normalizeKeyword(text);
  if (HELP_WORDS.has(normalized)) {
    return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule: text, reason: `“${text}”是求助词，回复服务主题列表` } };
  }
  const hit = index.matcher.match(text);
  if (hit) return answerKeyword(hit, ctx);
  const named = index.names.get(normalized);
  if (named?.kind === 'topic') {
    const topic = index.topics.get(named.topic)!;
    const reply = R.topicReply(index, templates, topic.id, topic.services, false);
    return { reply, trace: { answeredBy: 'keyword', department: topic.lead, rule: text, reason: `没有关键词规则命中，消息与主题“${topic.name}”的名称相同` } };
  }
  if (named?.kind === 'service') {
    const service = index.services.get(named.service)!;
    return { reply: R.serviceReply(index, service), trace: { answeredBy: 'keyword', department: service.department, rule: text, reason: `没有关键词规则命中，消息与服务“${service.name}”的名称相同` } };
  }
  return handOff(msg, text, ctx, '没有关键词或名称匹配');
}

// A keyword's answer depends only on the rule, how it matched, the build and the templates,
// never on the citizen, so it is rendered once per build (rules are the build's own objects).
const keywordAnswers = new WeakMap<ReplyTemplates, WeakMap<KeywordMatch['rule'], Map<string, RouteResult>>>();

function answerKeyword(hit: KeywordMatch, ctx: RouteContext): RouteResult {
  let byRule = keywordAnswers.get(ctx.templates);
  if (!byRule) keywordAnswers.set(ctx.templates, (byRule = new WeakMap()));
  let byMatch = byRule.get(hit.rule);
  if (!byMatch) byRule.set(hit.rule, (byMatch = new Map()));
  let answer = byMatch.get(hit.match);
  if (!answer) byMatch.set(hit.match, (answer = renderKeywordAnswer(hit, ctx)));
  return answer;
}

function renderKeywordAnswer({ rule, match }: KeywordMatch, ctx: RouteContext): RouteResult {
  const { index, templates } = ctx;
  const owner = departmentName(index, rule.owner) ?? rule.owner;
  const how = `${match === 'exact' ? '完全匹配' : '包含匹配'}，优先级 ${rule.priority}`;
  const where = `${rule.source.file} ${rule.source.pointer}`;
  const trace = (what: string): RouteTrace => ({
    answeredBy: 'keyword',
    department: rule.owner,
    rule: rule.text,
    reason: `关键词“${rule.text}”（${how}）命中${owner}的规则（${where}），${what}`,
  });
  const target = rule.target;
  if (target.kind === 'service') {
    const service = index.services.get(target.service);
    if (service) return { reply: R.serviceReply(index, service), trace: trace(`回复服务“${service.name}”`) };
  } else if (target.kind === 'topic') {
    const topic = index.topics.get(target.topic);
    if (topic) return { reply: R.topicReply(index, templates, topic.id, topic.services, false), trace: trace(`回复主题“${topic.name}”的服务列表`) };
  } else if (target.kind === 'answer') {
    const answer = index.answers.get(target.answer);
    if (answer) return { reply: R.answerReply(answer), trace: trace(`回复固定答复“${answer.name}”`) };
  } else {
    const reply = R.disambiguationReply(index, templates, rule.text, target.services);
    return { reply, trace: trace(`该关键词由多个部门共用，回复各部门服务供选择`) };
  }
  return { reply: R.helpReply(index, templates), trace: { ...trace('但目标不在当前版本中'), answeredBy: 'help' } };
}

export async function handOff(msg: WechatMessage, text: string, ctx: RouteContext, why: string): Promise<RouteResult> {
  const { index, templates, now } = ctx;
  const account = index.build.account;
  const guess = msg.msgType === 'text' || msg.msgType === 'voice' ? index.matcher.guessOwner(text) : undefined;
  const topic = guess ? index.topicList.find((t) => t.lead === guess || t.cooperating.includes(guess)) : undefined;
  const simulated = msg.toUser === SIMULATOR_ACCOUNT_ID;
  if (!ctx.dryRun) {
    await storeDeskTicket(ctx.store, {
      id: deskTicketId(ctx.key),
      openid: msg.fromUser,
      text,
      msgType: msg.msgType,
      ...(msg.msgId ? { msgId: msg.msgId } : {}),
      ...(guess ? { department: guess } : {}),
      ...(topic ? { topic: topic.id } : {}),
      createdAt: now.toISOString(),
      status: 'open',
      ...(simulated ? { simulated: true as const } : {}),
    });
  }
  const when = deskAnswerTime(account, now);
  const content = templates.render('desk-ack', { defaultReply: account.defaultReply, hotline: account.desk.hotline ?? '', ...when });
  const guessed = guess ? `，按用词猜测属于${departmentName(index, guess)}` : '';
  const apart = simulated ? '（模拟器消息不进入真实待回复队列，工作台的“模拟器消息”中可查看）' : '';
  return { reply: R.textReply(content), trace: { answeredBy: 'human', ...(guess ? { department: guess } : {}), reason: `${why}，已转人工客服并登记工单${guessed}${apart}` } };
}

export async function answerNearby(msg: WechatMessage, from: WechatLocation, ctx: RouteContext, rule?: string): Promise<RouteResult> {
  const { index, templates, now } = ctx;
  const last = ctx.recentNearby?.get(msg.fromUser);
  if (last && now.getTime() - last.at < NEARBY_REPEAT_MS && Math.abs(last.lat - from.lat) < 1e-5 && Math.abs(last.lng - from.lng) < 1e-5) {
    return none('刚刚已按同一位置回复过附近大厅，不重复回复', rule);
  }
  if (!ctx.dryRun) ctx.recentNearby?.set(msg.fromUser, { lat: from.lat, lng: from.lng, at: now.getTime() });
  const halls = nearestHalls(index.build.halls, from, now, index.build.account.calendar, HALLS_LISTED);
  const first = halls[0];
  if (!first) return { reply: R.textReply('暂时没有办事大厅的位置信息。'), trace: { answeredBy: 'location', rule, reason: '当前版本没有任何办事大厅' } };
  const reason = `按位置（${from.lat.toFixed(5)}, ${from.lng.toFixed(5)}）列出最近的 ${halls.length} 个办事大厅，最近的是${first.hall.name}（约 ${Math.round(first.meters)} 米，${first.open ? '正在办公' : '不在办公时间'}）`;
  return { reply: R.nearbyReply(index, templates, halls), trace: { answeredBy: 'location', department: first.hall.department, ...(rule ? { rule } : {}), reason } };
}
