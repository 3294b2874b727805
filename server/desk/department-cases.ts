// 差评整改 on the workbench: the loop's rectification cases for a console user's departments.
// Every action goes through the loop's case-actions as the case's own department, with the
// console username as the actor; the scope check comes first and answers 404 like a missing case.
import { cityDate } from '../calendar/index.js';
import { NotFoundError } from '../errors.js';
import { appealCase, casesOf, caseView, type CaseView, type LoopDeps, nowOf, recordCallback, recordResolution, type RectificationCase } from '../loop/index.js';
import { inScope, type WorkScope } from './work-scope.js';

/** Overdue first, then by deadline: the order the loop's staff API uses. */
export async function listScopedCases(deps: LoopDeps, scope: WorkScope): Promise<CaseView[]> {
  const today = cityDate(nowOf(deps));
  const cases = casesOf(deps.store);
  const found = scope.all ? await cases.list() : (await Promise.all(scope.departments.map((d) => cases.findBy('department', d)))).flat();
  return found
    .map((c) => caseView(c, today))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id));
}

async function loadScoped(deps: LoopDeps, id: string, scope: WorkScope): Promise<RectificationCase> {
  const c = await casesOf(deps.store).get(id);
  if (!c || !inScope(scope, c.department)) throw new NotFoundError(`整改件不存在：${id}`);
  return c;
}

export async function loadScopedCase(deps: LoopDeps, id: string, scope: WorkScope): Promise<CaseView> {
  return caseView(await loadScoped(deps, id, scope), cityDate(nowOf(deps)));
}

const as = (c: RectificationCase, actor: string) => ({ department: c.department, label: actor });

export async function caseCallback(deps: LoopDeps, id: string, scope: WorkScope, actor: string, note: unknown): Promise<CaseView> {
  return recordCallback(deps, id, as(await loadScoped(deps, id, scope), actor), note);
}

export async function caseResolution(deps: LoopDeps, id: string, scope: WorkScope, actor: string, kind: unknown, note: unknown): Promise<CaseView> {
  return recordResolution(deps, id, as(await loadScoped(deps, id, scope), actor), kind, note);
}

export async function caseAppeal(deps: LoopDeps, id: string, scope: WorkScope, actor: string, reason: unknown): Promise<CaseView> {
  return appealCase(deps, id, as(await loadScoped(deps, id, scope), actor), reason);
}
