// The national inspection index's watchdogs (政府网站与政务新媒体检查指标): an account fails
// outright for no update within two weeks or no working interaction channel; late answers and
// broken functions cost points. Each check looks at the last seven city days up to now, whatever
// date range the page shows.
import type { DeskFigures } from './desk-figures.js';

export type HealthStatus = 'ok' | 'warn' | 'fail' | 'unknown';

export interface HealthCheck {
  id: 'updates' | 'interaction' | 'desk-week' | 'slow-replies' | 'menu-links';
  name: string;
  status: HealthStatus;
  /** The figure behind the status, in plain Chinese. */
  value: string;
  /** A fail here fails the whole account in the inspection. */
  failsOutright: boolean;
}

export const HEALTH_STATUS_NAMES: Record<HealthStatus, string> = { ok: '正常', warn: '需关注', fail: '不合格', unknown: '暂无数据' };

export interface HealthInput {
  /** Desk figures of tickets that arrived in the last seven days. */
  deskWeek: DeskFigures;
  deskHasHours: boolean;
  /** Gateway decisions of 5 s or more in the last seven days, and all decisions. */
  slowWeek: number;
  messagesWeek: number;
  /** Days since the newest broadcast per account; undefined when nothing records broadcasts. */
  updates?: Array<{ account: string; days: number | null }>;
  /** Menu view links that failed their last check; undefined when never checked. */
  links?: { checked: number; failing: string[]; checkedAt: string };
}

export const UPDATE_LIMIT_DAYS = 14;

export function healthChecks(input: HealthInput): HealthCheck[] {
  const { deskWeek } = input;
  const { kept, broken } = deskWeek.promise;
  const checks: HealthCheck[] = [];

  if (!input.updates) {
    checks.push({ id: 'updates', name: '两周内有更新', status: 'unknown', value: '尚无群发记录', failsOutright: true });
  } else {
    const stale = input.updates.filter((u) => u.days === null || u.days > UPDATE_LIMIT_DAYS);
    checks.push({
      id: 'updates', name: '两周内有更新', status: stale.length ? 'fail' : 'ok', failsOutright: true,
      value: input.updates.map((u) => `${u.account}：${u.days === null ? '从未群发' : `距上次群发 ${u.days} 天`}`).join('；') || '没有账号',
    });
  }

  // No working channel: the desk has no hours, or in a week nobody answered any ticket that fell due.
  const dead = !input.deskHasHours || (broken > 0 && kept === 0);
  checks.push({
    id: 'interaction', name: '互动渠道可用', status: dead ? 'fail' : broken > 0 ? 'warn' : 'ok', failsOutright: true,
    value: !input.deskHasHours ? '未设置人工客服时间' : `近 7 天到期工单 ${kept + broken} 件，按时答复 ${kept} 件`,
  });

  checks.push({
    id: 'desk-week', name: '本周人工客服按承诺答复', status: broken > 0 ? 'warn' : kept > 0 ? 'ok' : 'unknown', failsOutright: false,
    value: kept + broken === 0 ? '近 7 天没有到期的工单' : `超过承诺 ${broken} 件（${deskWeek.overdue} 件仍未答复）`,
  });

  checks.push({
    id: 'slow-replies', name: '网关答复不超过 5 秒', status: input.messagesWeek === 0 ? 'unknown' : input.slowWeek > 0 ? 'warn' : 'ok', failsOutright: false,
    value: `近 7 天 ${input.messagesWeek} 条消息中 ${input.slowWeek} 条超过 5 秒`,
  });

  if (!input.links) {
    checks.push({ id: 'menu-links', name: '菜单链接可打开', status: 'unknown', value: '尚未检查', failsOutright: false });
  } else {
    checks.push({
      id: 'menu-links', name: '菜单链接可打开', status: input.links.failing.length ? 'warn' : 'ok', failsOutright: false,
      value: input.links.failing.length ? `${input.links.failing.length}/${input.links.checked} 个打不开：${input.links.failing.join('、')}` : `${input.links.checked} 个链接均可打开`,
    });
  }
  return checks;
}
