// The decision for one inbound push: which answer, from which department's rule, and why.
// Side effects (desk ticket, last location) are keyed by the push so retries cannot repeat
// them; dryRun (the console's simulator) decides and traces without writing anything.
import { type MenuButton, normalizeKeyword } from '../builder/index.js';
import type { WechatMessage } from '../wechat/index.js';
import { departmentName, serviceAtUrl } from './build-index.js';
import { deskAnswerTime, deskTicketId, SIMULATOR_ACCOUNT_ID, storeDeskTicket } from '../desk/index.js';
import type { KeywordMatch } from './keyword-matcher.js';
import { hallText, ITEM_NUMBER, recentItems, type NumberedItem } from './numbered-items.js';
import * as R from './replies.js';
import type { ReplyTemplates } from './reply-templates.js';
import { routeClick, routeEvent } from './route-event.js';
import { hasQuery, matchChat, queryIndexOf } from '../query/index.js';
import { answerQuery, failedQueryFor, followUpQuery } from './route-query.js';
import { answerNearby } from './answer-nearby.js';
import { closuresToday } from '../loop/index.js';
import { isBindingMessage, queryBindingOf } from '../bindings/index.js';
import { answerBindingWords, answerBoundQuery, usesBindings } from './route-binding.js';
import { none, type MaybePromise, type RouteContext, type RouteResult, type RouteTrace } from './route-types.js';

export { answerNearby } from './answer-nearby.js';
export { CITIZEN_LOCATIONS, none } from './route-types.js';
export type { AnsweredBy, MaybePromise, RecentNearby, RouteContext, RouteResult, RouteTrace } from './route-types.js';

const HELP_WORDS = new Set(['帮助', '菜单', '?', 'help', '主题', '服务']);
const HUMAN_WORDS = new Set(['人工', '转人工', '人工客服', '人工服务']);

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

function routeText(msg: WechatMessage, text: string, ctx: RouteContext): MaybePromise<RouteResult> {
  const { index, templates } = ctx;
  const normalized = normalizeKeyword(text);
  if (HELP_WORDS.has(normalized)) {
    return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule: text, reason: `“${text}”是求助词，回复服务主题列表` } };
  }
  if (HUMAN_WORDS.has(normalized)) {
    const failed = failedQueryFor(msg, ctx);
    if (failed) return handOff(msg, `[查询未成功，转人工] ${failed}`, ctx, `刚才的查询“${failed}”未成功，市民要求人工`);
  }
  if (ctx.bindings && isBindingMessage(index.build, text)) return answerBindingWords(msg, text, ctx);
  if (ITEM_NUMBER.test(normalized)) {
    const items = recentItems(ctx.recentLists, msg.fromUser, ctx.now);
    if (items) return pickItem(msg, items, Number(normalized), ctx);
  }
  const hit = index.matcher.match(text);
  if (hit?.match === 'exact') return answerKeywordOrQuery(msg, hit, ctx);
  // Chat patterns come after exact keywords and before contains keywords: "限行 3" carries inputs.
  const chat = ctx.queries ? matchChat(queryIndexOf(index.build), text) : undefined;
  if (chat) return answerQuery(msg, chat.ref, chat.inputs, ctx, `消息符合查询的消息格式 ${chat.pattern}`);
  if (hit) return answerKeywordOrQuery(msg, hit, ctx);
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
  const button = index.menuNames.get(normalized);
  if (button) return answerMenuName(msg, button, ctx);
  const follow = followUpQuery(msg, text, ctx);
  if (follow) return answerQuery(msg, follow.ref, follow.inputs, ctx, '消息是对上一次查询的补充（如“限行”之后发送尾号）');
  return handOff(msg, text, ctx, '没有关键词或名称匹配');
}

/** "2" after a numbered list: that list's second item, answered as if the citizen had asked for it. */
async function pickItem(msg: WechatMessage, items: NumberedItem[], n: number, ctx: RouteContext): Promise<RouteResult> {
  const { index, templates, now } = ctx;
  const item = items[n - 1];
  const rule = String(n);
  if (!item) {
    const reply: R.Reply = { kind: 'text', content: `请回复 1～${items.length} 之间的序号。`, numbered: items };
    return { reply, trace: { answeredBy: 'help', rule, reason: `序号 ${n} 超出上一条列表的范围（共 ${items.length} 项）` } };
  }
  const picked = `回复序号 ${n}，选择上一条列表的第 ${n} 项`;
  if (item.kind === 'topic') {
    const topic = index.topics.get(item.topic);
    if (topic) return { reply: R.topicReply(index, templates, topic.id, topic.services, false), trace: { answeredBy: 'keyword', department: topic.lead, rule, reason: `${picked}：主题“${topic.name}”` } };
  } else if (item.kind === 'service') {
    const service = index.services.get(item.service);
    if (service) return { reply: R.serviceReply(index, service), trace: { answeredBy: 'keyword', department: service.department, rule, reason: `${picked}：服务“${service.name}”` } };
  } else if (item.kind === 'answer') {
    const answer = index.answers.get(item.answer);
    if (answer) return { reply: R.answerReply(answer), trace: { answeredBy: 'keyword', department: answer.department, rule, reason: `${picked}：${departmentName(index, answer.department) ?? answer.department}的固定答复“${answer.name}”` } };
  } else if (item.kind === 'matter') {
    const matter = index.build.matters?.find((m) => m.id === item.matter);
    if (matter) return { reply: { kind: 'news', articles: [R.matterArticle(index, matter)] }, trace: { answeredBy: 'keyword', department: matter.lead, rule, reason: `${picked}：一件事“${matter.name}”（跨部门联办，牵头部门：${departmentName(index, matter.lead) ?? matter.lead}）` } };
  } else if (item.kind === 'hall') {
    const hall = index.halls.get(item.hall);
    if (hall) return { reply: R.textReply(hallText(index, hall, now, await closuresToday(ctx.store, now))), trace: { answeredBy: 'location', department: hall.department, rule, reason: `${picked}：办事大厅“${hall.name}”` } };
  } else {
    const result = await routeClick(msg, item.key, ctx);
    return { ...result, trace: { ...result.trace, reason: `${picked}（菜单“${item.key}”）：${result.trace.reason}` } };
  }
  return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule, reason: `${picked}，但它已不在当前版本中，回复服务主题列表` } };
}

/** A menu button's name typed as text: the answer tapping the button gives. */
async function answerMenuName(msg: WechatMessage, button: MenuButton, ctx: RouteContext): Promise<RouteResult> {
  const { index, templates } = ctx;
  const same = `没有关键词规则命中，消息与菜单“${button.name}”同名`;
  if ('sub_button' in button) {
    const buttons = button.sub_button.map((b) => ({ name: b.name, item: itemOfButton(index, b) }));
    return { reply: R.menuGroupReply(templates, button.name, buttons), trace: { answeredBy: 'menu', rule: button.name, reason: `${same}，列出该菜单下的按钮` } };
  }
  if (button.type === 'view') {
    const service = serviceAtUrl(index, button.url);
    if (service) return { reply: R.serviceReply(index, service), trace: { answeredBy: 'menu', department: service.department, rule: button.name, reason: `${same}，回复该按钮打开的服务“${service.name}”` } };
    return { reply: R.textReply(`<a href="${button.url}">${button.name}</a>`), trace: { answeredBy: 'menu', rule: button.name, reason: `${same}，回复该按钮的链接` } };
  }
  const result = await routeClick(msg, button.key, ctx);
  return { ...result, trace: { ...result.trace, reason: `${same}，按点击该菜单回复：${result.trace.reason}` } };
}

function itemOfButton(index: RouteContext['index'], button: MenuButton): NumberedItem | undefined {
  if ('sub_button' in button) return undefined; // WeChat menus nest one level only
  if (button.type !== 'view') return { kind: 'menu', key: button.key };
  const service = serviceAtUrl(index, button.url);
  return service && { kind: 'service', service: service.ref };
}

/** A keyword naming a query service runs the query (asking for what is missing); others are cached answers. */
function answerKeywordOrQuery(msg: WechatMessage, hit: KeywordMatch, ctx: RouteContext): MaybePromise<RouteResult> {
  const target = hit.rule.target;
  const how = `关键词“${hit.rule.text}”（${hit.match === 'exact' ? '完全匹配' : '包含匹配'}）指向查询服务`;
  if (ctx.queries && target.kind === 'service' && hasQuery(ctx.index.build, target.service)) {
    if (usesBindings(ctx, [target.service])) return answerBoundQuery(msg, target.service, ctx, how).then((bound) => bound ?? answerQuery(msg, target.service, {}, ctx, how));
    return answerQuery(msg, target.service, {}, ctx, how);
  }
  // A shared keyword ("违章": 交警's lookup or 城管's complaint): a citizen who bound a car gets the lookup, the others listed after.
  if (target.kind === 'disambiguation' && usesBindings(ctx, target.services)) {
    const ref = target.services.find((s) => queryBindingOf(ctx.index.build, s) !== undefined)!;
    const others = target.services.filter((s) => s !== ref);
    return answerBoundQuery(msg, ref, ctx, `共用关键词“${hit.rule.text}”，市民绑定了该查询所需的信息`, others).then((bound) => bound ?? answerKeyword(hit, ctx));
  }
  return answerKeyword(hit, ctx);
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
  } else if (target.kind === 'matter') {
    const matter = index.build.matters?.find((m) => m.id === target.matter);
    if (matter) return { reply: { kind: 'news', articles: [R.matterArticle(index, matter)] }, trace: trace(`回复一件事“${matter.name}”（跨部门联办，牵头部门：${owner}）`) };
  } else {
    const reply = R.disambiguationReply(index, templates, rule.text, target);
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
    const stored = await storeDeskTicket(ctx.store, {
      id: deskTicketId(ctx.key),
      openid: msg.fromUser,
      text,
      msgType: msg.msgType,
      ...(msg.msgId ? { msgId: msg.msgId } : {}),
      ...(guess ? { department: guess } : {}),
      ...(topic ? { topic: topic.id } : {}),
      ...(account.id ? { account: account.id } : {}),
      createdAt: now.toISOString(),
      status: 'open',
      ...(simulated ? { simulated: true as const } : {}),
    }).then(
      () => true,
      (err: unknown) => (ctx.onFailure?.('deskTicket', err), false),
    );
    if (!stored) {
      // No ticket means no person will ever see this message: never acknowledge it as handed over.
      const content = templates.render('desk-failed', { hotline: account.desk.hotline ?? '' });
      return { reply: R.textReply(content), trace: { answeredBy: 'none', reason: `${why}，但人工客服工单登记失败，已请市民稍后重发` } };
    }
  }
  const when = deskAnswerTime(account, now);
  const content = templates.render('desk-ack', { defaultReply: account.defaultReply, hotline: account.desk.hotline ?? '', ...when });
  const guessed = guess ? `，按用词猜测属于${departmentName(index, guess)}` : '';
  const apart = simulated ? '（模拟器消息不进入真实待回复队列，工作台的“模拟器消息”中可查看）' : '';
  return { reply: R.textReply(content), trace: { answeredBy: 'human', ...(guess ? { department: guess } : {}), reason: `${why}，已转人工客服并登记工单${guessed}${apart}` } };
}
