// Drafts of a matter file (matters/<id>.json, draft key `matters:<id>`): written by the lead
// department, seen by every department it involves, and approved by the platform only once the
// lead and every cooperating department confirmed it, each having seen its own part of the change.
import type { SessionUser } from './users.js';

export const MATTER_KEY = /^matters:([a-z][a-z0-9-]{0,39})$/;
export const isMatterKey = (key: string) => MATTER_KEY.test(key);
export const matterKeyPath = (key: string) => `matters/${MATTER_KEY.exec(key)![1]}.json`;

interface MatterShape {
  name?: unknown;
  lead?: unknown;
  cooperating?: unknown;
  notice?: unknown;
  questions?: unknown;
  members?: Array<{ service?: unknown; when?: unknown; presets?: unknown }>;
  fields?: Array<{ name?: unknown; label?: unknown; maps?: Record<string, unknown> }>;
  attachments?: Array<{ name?: unknown; label?: unknown; maps?: Record<string, unknown> }>;
  onRefusal?: unknown;
}

function parse(text: string | undefined): MatterShape {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as MatterShape) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The lead and cooperating departments a matter text names (the published one and the draft together). */
export function involvedDepartments(...texts: Array<string | undefined>): { lead?: string; all: string[] } {
  const parsed = texts.map(parse);
  const all = new Set<string>();
  for (const m of parsed) {
    const l = str(m.lead);
    if (l) all.add(l);
    for (const c of Array.isArray(m.cooperating) ? m.cooperating : []) if (typeof c === 'string') all.add(c);
  }
  // The draft's lead (the last text) is who edits; the published lead otherwise.
  const lead = parsed.map((m) => str(m.lead)).filter((l): l is string => !!l).pop();
  return { ...(lead ? { lead } : {}), all: [...all].sort() };
}

export function canSeeMatter(user: SessionUser, published: string | undefined, draftText?: string): boolean {
  return user.role === 'platform' || involvedDepartments(published, draftText).all.some((d) => user.departments.includes(d));
}

export function canEditMatter(user: SessionUser, published: string | undefined, draftText?: string): boolean {
  if (user.role === 'platform') return true;
  const { lead } = involvedDepartments(published, draftText);
  return user.role === 'dept-admin' && !!lead && user.departments.includes(lead) && (!published || involvedDepartments(published).lead === lead);
}

/** Departments that still have to confirm a submitted matter draft. */
export function missingConfirmations(draft: { text: string; confirmations?: Array<{ department: string }> }, published: string | undefined): string[] {
  const confirmed = new Set((draft.confirmations ?? []).map((c) => c.department));
  return involvedDepartments(published, draft.text).all.filter((d) => !confirmed.has(d));
}

/**
 * A department's own part of a matter's change, in plain Chinese: what every department reads
 * (name, notice, questions, what happens on a refusal) and what touches its own services
 * (membership, conditions, presets, shared fields and documents mapped to them).
 */
export function matterPartDiff(published: string | undefined, draftText: string, department: string): string[] {
  const before = parse(published);
  const after = parse(draftText);
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (!published) out.push('新建一件事');
  if (!same(before.name, after.name)) out.push(`名称：${str(before.name) ?? '（无）'} → ${str(after.name) ?? '（无）'}`);
  for (const [key, label] of [['notice', '一次告知'], ['questions', '事项问题'], ['onRefusal', '某部门不予办理时的处理']] as const) {
    if (published && !same(before[key], after[key])) out.push(`${label}已修改`);
  }
  const mine = (ref: unknown) => typeof ref === 'string' && ref.startsWith(`${department}/`);
  const members = (m: MatterShape) => new Map((m.members ?? []).filter((x) => mine(x.service)).map((x) => [x.service as string, x]));
  const [b, a] = [members(before), members(after)];
  for (const [ref, m] of a) {
    const old = b.get(ref);
    if (!old) out.push(`本部门服务 ${ref} 加入本事项${m.when ? '（有条件办理）' : ''}`);
    else {
      if (!same(old.when, m.when)) out.push(`本部门服务 ${ref} 的办理条件已修改`);
      if (!same(old.presets, m.presets)) out.push(`本部门服务 ${ref} 的预设答案：${JSON.stringify(old.presets ?? {})} → ${JSON.stringify(m.presets ?? {})}`);
    }
  }
  for (const ref of b.keys()) if (!a.has(ref)) out.push(`本部门服务 ${ref} 移出本事项`);
  for (const [list, what] of [['fields', '共享字段'], ['attachments', '共享材料']] as const) {
    const ours = (m: MatterShape) => new Map((m[list] ?? []).map((x) => [String(x.name), Object.entries(x.maps ?? {}).filter(([ref]) => mine(ref))] as const).filter(([, maps]) => maps.length > 0));
    const [ob, oa] = [ours(before), ours(after)];
    for (const [name, maps] of oa) {
      const label = (after[list] ?? []).find((x) => x.name === name)?.label ?? name;
      const text = maps.map(([ref, field]) => `${ref} 的“${String(field)}”`).join('、');
      if (!ob.has(name)) out.push(`${what}“${String(label)}”将填入 ${text}`);
      else if (!same(ob.get(name), maps)) out.push(`${what}“${String(label)}”改为填入 ${text}`);
    }
    for (const name of ob.keys()) if (!oa.has(name)) out.push(`${what}“${name}”不再填入本部门的服务`);
  }
  return out;
}
