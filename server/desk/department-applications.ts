// 办件 on the workbench: the loop's applications seen through a console user's departments. This
// only composes what the loop exports (the staff queue rule, the transition table through
// applicationView, moveApplication with its notification); the loop stays the one place that
// decides what a move does.
import type { BuiltService } from '../builder/index.js';
import { ValidationError, NotFoundError } from '../errors.js';
import { type Application, applicationsOf, inStaffQueue, type LoopDeps, moveApplication, parseStage, recordRefund, type Stage } from '../loop/index.js';
import { maskIdNumber } from './mask.js';
import { inScope, type WorkScope } from './work-scope.js';

/** The queue the loop's staff API shows, for every department in scope, oldest first. */
export async function listDepartmentApplications(store: LoopDeps['store'], scope: WorkScope): Promise<Application[]> {
  const apps = applicationsOf(store);
  const found = scope.all ? await apps.list() : (await Promise.all(scope.departments.map((d) => apps.findBy('department', d)))).flat();
  return found.filter(inStaffQueue).sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.no.localeCompare(b.no));
}

export async function loadScopedApplication(store: LoopDeps['store'], no: string, scope: WorkScope): Promise<Application> {
  const app = await applicationsOf(store).get(no);
  // Same answer as the loop's for a number that does not exist, so numbers cannot be probed.
  if (!app || !inScope(scope, app.department)) throw new NotFoundError(`办件不存在：${no}`, { no });
  return app;
}

/** The citizen's answers with the form's labels (select options by their label), in form order; ID numbers masked. */
export function applicationAnswers(app: Application, service: BuiltService | undefined): Array<{ label: string; value: string }> {
  const fields = (service?.steps.processing?.fields ?? []).filter((f) => f.type !== 'file');
  const shown = (name: string, raw: unknown): string => {
    const field = fields.find((f) => f.name === name);
    if (field?.type === 'idcard' && typeof raw === 'string' && raw) return maskIdNumber(raw);
    const options = field?.options;
    const one = (v: unknown) => options?.find((o) => o.value === v)?.label ?? String(v);
    return Array.isArray(raw) ? raw.map(one).join('、') : raw === undefined || raw === null || raw === '' ? '（未填写）' : one(raw);
  };
  const known = fields.map((f) => ({ label: f.label, value: shown(f.name, app.data[f.name]) }));
  // Answers to fields the published form no longer has are still the citizen's: keep them.
  const extra = Object.keys(app.data).filter((k) => !fields.some((f) => f.name === k)).map((k) => ({ label: k, value: shown(k, app.data[k]) }));
  return [...known, ...extra];
}

/** "12.50" 元 -> 1250 分; empty -> undefined. */
export function parseYuan(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(text)) throw new ValidationError('核定金额须为不小于 0 的数字，最多两位小数（单位：元）', { field: 'amount' });
  const [yuan = '0', cents = ''] = text.split('.');
  return Number(yuan) * 100 + Number(cents.padEnd(2, '0'));
}

export interface WorkbenchMove {
  to: unknown;
  note?: unknown;
  /** In 元, as typed in the form. */
  amount?: unknown;
}

/** Moves an application as the console user: the loop records `actor` and tells the citizen. */
export async function moveFromWorkbench(deps: LoopDeps, no: string, scope: WorkScope, actor: string, input: WorkbenchMove): Promise<Application> {
  const app = await loadScopedApplication(deps.store, no, scope);
  const to: Stage = parseStage(input.to);
  const amountFen = to === 'accepted' ? parseYuan(input.amount) : undefined;
  if (to === 'accepted' && app.payment.state === 'awaiting-assessment' && amountFen === undefined) {
    throw new ValidationError('受理时须核定费用：请填写金额（单位：元）', { field: 'amount' });
  }
  const note = typeof input.note === 'string' && input.note.trim() ? input.note : undefined;
  return moveApplication(deps, { no: app.no, to, note, amountFen, staff: { department: app.department, label: actor } });
}

/** Records that a terminated part's paid fee was refunded (the department's own refund procedure). */
export async function refundFromWorkbench(deps: LoopDeps, no: string, scope: WorkScope, actor: string, note: unknown): Promise<Application> {
  const app = await loadScopedApplication(deps.store, no, scope);
  return recordRefund(deps, { no: app.no, note, staff: { department: app.department, label: actor } });
}
