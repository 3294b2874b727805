// Events: follow, QR scan, menu clicks and location. WeChat sends LOCATION every time a
// citizen opens the chat (when the account asks for it), so it is stored silently: a reply
// there would greet the citizen with a message on every visit.
import type { Doc } from '../store/index.js';
import type { WechatMessage } from '../wechat/index.js';
import { departmentName } from './build-index.js';
import * as R from './replies.js';
import { answerNearby } from './answer-nearby.js';
import { CITIZEN_LOCATIONS, none, type RouteContext, type RouteResult } from './route-types.js';
import { hasQuery } from '../query/index.js';
import { answerQuery } from './route-query.js';
import { answerBoundQuery, usesBindings } from './route-binding.js';

export interface CitizenLocation extends Doc {
  /** The openid. */
  id: string;
  lat: number;
  lng: number;
  precision?: number;
  at: string;
}

/** A stored LOCATION older than this is not "where the citizen is now". */
const LOCATION_FRESH_MS = 24 * 3600 * 1000;
const SILENT_EVENTS: Record<string, string> = {
  VIEW: '菜单打开网页，微信不展示回复',
  scancode_push: '扫码推事件由微信客户端展示扫码结果，无需回复',
  scancode_waitmsg: '扫码事件，无需回复',
  pic_sysphoto: '拍照发图事件，图片会另作为图片消息送达',
  pic_photo_or_album: '拍照或相册发图事件，图片会另作为图片消息送达',
  pic_weixin: '微信相册发图事件，图片会另作为图片消息送达',
};

export async function routeEvent(msg: WechatMessage, ctx: RouteContext): Promise<RouteResult> {
  const { index, templates } = ctx;
  const event = msg.event ?? '';
  const key = msg.eventKey;
  switch (event) {
    case 'subscribe': {
      const scene = key?.startsWith('qrscene_') ? `（扫描二维码，场景 ${key.slice(8)}）` : '';
      return { reply: R.welcomeReply(index, templates), trace: { answeredBy: 'welcome', ...(key ? { rule: key } : {}), reason: `新关注${scene}，回复欢迎语和服务主题列表` } };
    }
    case 'SCAN':
      return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', ...(key ? { rule: key } : {}), reason: `已关注用户扫描二维码（场景 ${key ?? '无'}），回复服务主题列表` } };
    case 'CLICK':
      return routeClick(msg, key ?? '', ctx);
    case 'unsubscribe':
      // WeChat requires deleting what we keep about a citizen who unfollows.
      if (!ctx.dryRun) await ctx.store.collection<CitizenLocation>(CITIZEN_LOCATIONS).delete(msg.fromUser);
      return none('取消关注：已删除保存的位置，无需回复');
    case 'LOCATION':
      if (msg.location && !ctx.dryRun) {
        const record: CitizenLocation = { id: msg.fromUser, lat: msg.location.lat, lng: msg.location.lng, at: ctx.now.toISOString() };
        if (msg.location.precision !== undefined) record.precision = msg.location.precision;
        await ctx.store.collection<CitizenLocation>(CITIZEN_LOCATIONS).put(record);
      }
      return none('上报地理位置：已记录，供“附近大厅”使用；每次进入公众号都会上报，故不回复');
    case 'location_select':
      if (msg.location) return answerNearby(msg, msg.location, ctx, key);
      return { reply: R.textReply(templates.render('ask-location', {})), trace: { answeredBy: 'location', rule: key, reason: '位置选择事件缺少经纬度，请用户发送位置' } };
    default:
      return none(SILENT_EVENTS[event] ?? `事件“${event}”无需回复`, key);
  }
}

/** A menu click (or a typed menu name, or a picked menu item) answered by what its key means. */
export async function routeClick(msg: WechatMessage, key: string, ctx: RouteContext): Promise<RouteResult> {
  const { index, templates } = ctx;
  const target = index.build.menuKeys[key];
  if (!target) {
    return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule: key, reason: `菜单键“${key}”不在当前菜单中（可能是旧菜单缓存），回复服务主题列表` } };
  }
  const menu = (department: string | undefined, reason: string, reply: R.Reply): RouteResult => ({
    reply,
    trace: { answeredBy: 'menu', ...(department ? { department } : {}), rule: key, reason },
  });
  if (target.kind === 'topic' || target.kind === 'more') {
    const topic = index.topics.get(target.topic);
    if (!topic) return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule: key, reason: `菜单指向的主题“${target.topic}”不在当前版本中` } };
    const more = target.kind === 'more';
    // A typed menu name or picked number is a message, to which WeChat shows one article only: list as text.
    const toEvent = msg.msgType === 'event';
    const reply = R.topicReply(index, templates, topic.id, more ? target.services : topic.services, toEvent, more ? `${topic.name}·更多服务` : undefined);
    const lead = departmentName(index, topic.lead);
    return menu(topic.lead, `点击菜单“${topic.menuName}”${more ? '的“更多”' : ''}，回复主题服务列表（牵头部门：${lead}）`, reply);
  }
  if (target.kind === 'service') {
    const service = index.services.get(target.service);
    if (!service) return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule: key, reason: `菜单指向的服务“${target.service}”不在当前版本中` } };
    if (ctx.queries && hasQuery(index.build, service.ref)) {
      const how = `点击菜单服务“${service.name}”`;
      // A bound citizen's tap looks up what they bound, as the keyword does.
      if (usesBindings(ctx, [service.ref])) return answerBoundQuery(msg, service.ref, ctx, how).then((bound) => bound ?? answerQuery(msg, service.ref, {}, ctx, how));
      return answerQuery(msg, service.ref, {}, ctx, how);
    }
    return menu(service.department, `点击菜单服务“${service.name}”（${departmentName(index, service.department)}），回复服务卡片`, R.serviceReply(index, service));
  }
  if (target.kind === 'answer') {
    const answer = index.answers.get(target.answer);
    if (!answer) return { reply: R.helpReply(index, templates), trace: { answeredBy: 'help', rule: key, reason: `菜单指向的固定答复“${target.answer}”不在当前版本中` } };
    return menu(answer.department, `点击菜单“${answer.name}”，回复${departmentName(index, answer.department)}的固定答复`, R.answerReply(answer));
  }
  const stored = await ctx.store.collection<CitizenLocation>(CITIZEN_LOCATIONS).get(msg.fromUser);
  if (stored && ctx.now.getTime() - Date.parse(stored.at) < LOCATION_FRESH_MS) return answerNearby(msg, stored, ctx, key);
  return { reply: R.textReply(templates.render('ask-location', {})), trace: { answeredBy: 'location', rule: key, reason: '没有该用户近期的位置，请用户发送位置' } };
}
