// Who a department may reach: only its own citizens — those with an application or an
// appointment at the department, or a binding of one of its kinds. Anyone else answers exactly
// like an unknown citizen (404), so a department cannot probe who follows the account. (A date
// a department pushed for a reminder is no proof: it was addressed the same way.)
import { NotFoundError, ValidationError } from '../errors.js';
import { applicationsOf, appointmentsOf } from '../loop/index.js';
import type { Addressee, NoticesDeps } from './notice-types.js';

export type Recipient = { openid: string } | { applicationNo: string } | { binding: { kind: string; key: string | Record<string, string> } };

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;
const NOT_FOUND = '找不到该市民，或该市民与本部门没有业务往来';

/** Parses the `to` of a push; throws ValidationError for anything but exactly one addressing form. */
export function parseRecipient(to: unknown): Recipient {
  const fail = () => {
    throw new ValidationError('to 须为 {openid}、{applicationNo} 或 {binding: {kind, key}} 之一', [{ field: 'to', label: '收件人', message: '收件人格式不正确' }]);
  };
  if (typeof to !== 'object' || to === null || Array.isArray(to) || Object.keys(to).length !== 1) return fail();
  const t = to as Record<string, unknown>;
  if (typeof t.openid === 'string' && OPENID.test(t.openid)) return { openid: t.openid };
  if (typeof t.applicationNo === 'string' && t.applicationNo.length <= 64) return { applicationNo: t.applicationNo };
  const b = t.binding as Record<string, unknown> | undefined;
  if (b && typeof b === 'object' && typeof b.kind === 'string' && (typeof b.key === 'string' || (typeof b.key === 'object' && b.key !== null))) {
    return { binding: { kind: b.kind, key: b.key as string | Record<string, string> } };
  }
  return fail();
}

/** Whether the citizen has any business with the department. */
export async function isDepartmentCitizen(deps: NoticesDeps, department: string, openid: string): Promise<boolean> {
  if ((await applicationsOf(deps.store).findBy('openid', openid)).some((a) => a.department === department)) return true;
  if ((await appointmentsOf(deps.store).findBy('openid', openid)).some((a) => a.department === department)) return true;
  if (deps.bindingDepartments && (await deps.bindingDepartments(openid)).includes(department)) return true;
  return false;
}

const ACCOUNT = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The citizens a department's push reaches, each with the account their openid belongs to (an
 * application's or a binding's; for a bare openid the `account` the push names, default the
 * primary); NotFoundError when none.
 */
export async function resolveRecipients(deps: NoticesDeps, department: string, to: Recipient, account?: unknown): Promise<Addressee[]> {
  if ('applicationNo' in to) {
    const app = await applicationsOf(deps.store).get(to.applicationNo);
    if (!app || app.department !== department) throw new NotFoundError(`办件不存在：${to.applicationNo}`);
    return [addressee(app.openid, app.account)];
  }
  if ('binding' in to) {
    if (!deps.bindingHolders) throw new NotFoundError('本平台尚未开通绑定，无法按绑定发送');
    const holders = (await deps.bindingHolders({ department, kind: to.binding.kind, key: to.binding.key })).map((h) => (typeof h === 'string' ? { openid: h } : h));
    if (!holders.length) throw new NotFoundError('没有市民绑定该对象');
    const unique = new Map(holders.map((h) => [`${h.account ?? ''}\n${h.openid}`, addressee(h.openid, h.account)]));
    return [...unique.values()].sort((a, b) => a.openid.localeCompare(b.openid));
  }
  if (account !== undefined && (typeof account !== 'string' || !ACCOUNT.test(account))) throw new ValidationError('account 须为公众号编号', [{ field: 'account', label: '公众号', message: '格式不正确' }]);
  if (account !== undefined && deps.accountOf) deps.accountOf(account); // an unknown account answers 404 (NotFoundError)
  if (!(await isDepartmentCitizen(deps, department, to.openid))) throw new NotFoundError(NOT_FOUND);
  return [addressee(to.openid, account as string | undefined)];
}

const addressee = (openid: string, account: string | undefined): Addressee => ({ openid, ...(account ? { account } : {}) });
