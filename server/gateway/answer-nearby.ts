// The nearby-halls answer, for a location message, a location_select event or a 附近大厅 click.
import { closuresToday } from '../loop/index.js';
import type { WechatLocation, WechatMessage } from '../wechat/index.js';
import { farAwayMeters, nearestHalls } from './nearest-halls.js';
import * as R from './replies.js';
import { none, type RouteContext, type RouteResult } from './route-types.js';

const NEARBY_REPEAT_MS = 30_000;
const HALLS_LISTED = 3;

export async function answerNearby(msg: WechatMessage, from: WechatLocation, ctx: RouteContext, rule?: string): Promise<RouteResult> {
  const { index, templates, now } = ctx;
  // The button (location_select) always answers, even right after the citizen sent the same point;
  // WeChat follows it with a location message at that point, and such a repeat message is suppressed.
  const button = msg.msgType === 'event';
  const last = ctx.recentNearby?.get(msg.fromUser);
  if (!button && last && now.getTime() - last.at < NEARBY_REPEAT_MS && Math.abs(last.lat - from.lat) < 1e-5 && Math.abs(last.lng - from.lng) < 1e-5) {
    return none('刚刚已按同一位置回复过附近大厅，不重复回复', rule);
  }
  if (!ctx.dryRun) ctx.recentNearby?.set(msg.fromUser, { lat: from.lat, lng: from.lng, at: now.getTime() });
  const halls = nearestHalls(index.build.halls, from, now, index.build.account.calendar, HALLS_LISTED, await closuresToday(ctx.store, now));
  const first = halls[0];
  if (!first) return { reply: R.textReply('暂时没有办事大厅的位置信息。'), trace: { answeredBy: 'location', rule, reason: '当前版本没有任何办事大厅' } };
  if (first.meters > farAwayMeters(index.build.halls)) {
    const distance = R.distanceText(first.meters);
    const content = templates.render('far-away', { nearest: first.hall.name, distance, hotline: index.build.account.desk.hotline ?? '' });
    return { reply: R.textReply(content), trace: { answeredBy: 'location', ...(rule ? { rule } : {}), reason: `位置（${from.lat.toFixed(5)}, ${from.lng.toFixed(5)}）离最近的办事大厅${first.hall.name}约 ${Math.round(first.meters)} 米，不在本市范围内，未列出大厅` } };
  }
  const reason = `按位置（${from.lat.toFixed(5)}, ${from.lng.toFixed(5)}）列出最近的 ${halls.length} 个办事大厅，最近的是${first.hall.name}（约 ${Math.round(first.meters)} 米，${first.outage ?? (first.open ? '正在办公' : '不在办公时间')}）`;
  return { reply: R.nearbyReply(index, templates, halls), trace: { answeredBy: 'location', department: first.hall.department, ...(rule ? { rule } : {}), reason } };
}
