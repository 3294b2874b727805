// When a citizen may pay. Before-acceptance fees are due right after submission (the department
// only sees the application once paid); after-acceptance and assessed fees once staff accepted.
import type { Application } from '../applications/application-types.js';

/**
 * Why the citizen cannot pay now, or null when they can. A part of a matter (一件事) is paid only
 * together with the matter's other parts, in one order (`viaGroup`).
 */
export function paymentBlocker(app: Application, viaGroup = false): string | null {
  const p = app.payment;
  if (p.state === 'paid') return '该申请已缴费，无需重复缴纳';
  if (app.stage === 'terminated') return '本件已终止办理，无需缴费';
  if (app.group && !viaGroup && p.state === 'unpaid') return `该申请属于“${app.group.name}”，请在一件事的办理进度页统一缴费`;
  if (p.state === 'none') return '该申请无需缴费';
  if (p.state === 'offline') return '该事项不支持在线缴费，请到办事大厅缴纳';
  if (p.state === 'awaiting-assessment') return '费用尚待工作人员核定，核定后即可缴费';
  if (app.stage === 'not-accepted' || app.stage === 'denied') return '该申请未获受理或不予许可，无需缴费';
  if (p.timing === 'after-acceptance' && !app.acceptedAt) return '该事项须在受理后缴费，请等待工作人员受理';
  return null;
}

/** Staff see an application once nothing is owed before acceptance. */
export function inStaffQueue(app: Application): boolean {
  return !(app.stage === 'submitted' && app.payment.timing === 'before-acceptance' && app.payment.state === 'unpaid');
}
