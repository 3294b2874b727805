// What a publish would change for citizens, computed from the published build and the candidate
// build rather than from text, so a reviewer sees "按钮“违章查询”改名为“查违章”" instead of a
// line diff of someone else's JSON formatting.
import type { AccountBuild, CompiledKeyword, MenuButton } from '../builder/index.js';
import { citizenSubjects, type Section, type Subject } from './citizen-fields.js';

export interface MenuChange {
  change: 'added' | 'removed' | 'renamed' | 'moved';
  /** Name of the top-level button the leaf sits under ('' for a top-level leaf or group). */
  parent: string;
  before?: string;
  after?: string;
}

export interface KeywordChange {
  change: 'added' | 'removed' | 'owner-changed' | 'target-changed' | 'priority-changed' | 'beats-changed';
  text: string;
  ownersBefore: string[];
  ownersAfter: string[];
  /** For 'priority-changed': the highest priority before and after. */
  priorityBefore?: number;
  priorityAfter?: number;
  /** Departments the keyword wins over by a platform-approved priority, after the change. */
  beats?: string[];
}

/** One field of something citizens see (account, department, hall, topic, service), old → new. */
export interface FieldChange {
  section: Section;
  subject: string;
  field: string;
  before: string;
  after: string;
}

export interface ServiceChange {
  change: 'added' | 'removed' | 'changed';
  ref: string;
  name: string;
  /** For 'changed': each field that differs, e.g. 缴费 · 费用：¥20 → ¥2,000. */
  details: string[];
}

export interface BuildDiff {
  menu: MenuChange[];
  keywords: KeywordChange[];
  services: ServiceChange[];
  /** Field changes of the account, departments, halls and topics (services are in `services`). */
  fields: FieldChange[];
  empty: boolean;
}

interface Leaf {
  id: string;
  name: string;
  parent: string;
  /** Top-level position: a renamed group does not make its children "moved". */
  slot: number;
}

function leafId(button: MenuButton): string {
  if ('sub_button' in button) return '';
  return 'url' in button ? `view:${button.url}` : `${button.type}:${button.key}`;
}

function leaves(buttons: MenuButton[]): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  buttons.forEach((top, slot) => {
    const children = 'sub_button' in top ? top.sub_button : [top];
    const parent = 'sub_button' in top ? top.name : '';
    for (const child of children) out.set(leafId(child), { id: leafId(child), name: child.name, parent, slot: parent ? slot : -1 });
  });
  return out;
}

export function diffMenus(before: MenuButton[], after: MenuButton[]): MenuChange[] {
  const changes: MenuChange[] = [];
  // Groups have no key of their own: the top-level position is what citizens recognise.
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const b = before[i];
    const a = after[i];
    const bGroup = b && 'sub_button' in b ? b.name : undefined;
    const aGroup = a && 'sub_button' in a ? a.name : undefined;
    if (bGroup !== undefined && aGroup !== undefined && bGroup !== aGroup) {
      changes.push({ change: 'renamed', parent: '', before: bGroup, after: aGroup });
    } else if (bGroup !== undefined && aGroup === undefined) {
      changes.push({ change: 'removed', parent: '', before: bGroup });
    } else if (aGroup !== undefined && bGroup === undefined) {
      changes.push({ change: 'added', parent: '', after: aGroup });
    }
  }
  const old = leaves(before);
  const next = leaves(after);
  for (const [id, leaf] of next) {
    const prev = old.get(id);
    if (!prev) changes.push({ change: 'added', parent: leaf.parent, after: leaf.name });
    else if (prev.name !== leaf.name) changes.push({ change: 'renamed', parent: leaf.parent, before: prev.name, after: leaf.name });
    else if (prev.slot !== leaf.slot) changes.push({ change: 'moved', parent: leaf.parent, before: prev.parent, after: leaf.name });
  }
  for (const [id, leaf] of old) {
    if (!next.has(id)) changes.push({ change: 'removed', parent: leaf.parent, before: leaf.name });
  }
  return changes;
}

function byText(keywords: CompiledKeyword[]): Map<string, CompiledKeyword[]> {
  const out = new Map<string, CompiledKeyword[]>();
  for (const k of keywords) {
    const key = `${k.match}:${k.normalized}`;
    out.set(key, [...(out.get(key) ?? []), k]);
  }
  return out;
}

const owners = (rules: CompiledKeyword[]) => [...new Set(rules.map((r) => r.owner))].sort();
const beaten = (rules: CompiledKeyword[]) => [...new Set(rules.flatMap((r) => r.beats ?? []))].sort();
const topPriority = (rules: CompiledKeyword[]) => Math.max(...rules.map((r) => r.priority));
const targets = (rules: CompiledKeyword[]) => JSON.stringify(rules.map((r) => r.target).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));

export function diffKeywords(before: CompiledKeyword[], after: CompiledKeyword[]): KeywordChange[] {
  const old = byText(before);
  const next = byText(after);
  const changes: KeywordChange[] = [];
  for (const [key, rules] of next) {
    const prev = old.get(key);
    const text = rules[0]!.text;
    if (!prev) changes.push({ change: 'added', text, ownersBefore: [], ownersAfter: owners(rules), ...(beaten(rules).length ? { beats: beaten(rules) } : {}) });
    else if (owners(prev).join() !== owners(rules).join()) {
      changes.push({ change: 'owner-changed', text, ownersBefore: owners(prev), ownersAfter: owners(rules) });
    } else if (targets(prev) !== targets(rules)) {
      changes.push({ change: 'target-changed', text, ownersBefore: owners(prev), ownersAfter: owners(rules) });
    } else if (beaten(prev).join() !== beaten(rules).join()) {
      changes.push({ change: 'beats-changed', text, ownersBefore: owners(prev), ownersAfter: owners(rules), beats: beaten(rules) });
    } else if (topPriority(prev) !== topPriority(rules)) {
      changes.push({ change: 'priority-changed', text, ownersBefore: owners(prev), ownersAfter: owners(rules), priorityBefore: topPriority(prev), priorityAfter: topPriority(rules) });
    }
  }
  for (const [key, rules] of old) {
    if (!next.has(key)) changes.push({ change: 'removed', text: rules[0]!.text, ownersBefore: owners(rules), ownersAfter: [] });
  }
  return changes;
}

/** Field-by-field differences of two subjects, as `field：old → new` (无 for a missing value). */
export function fieldChanges(before: Subject, after: Subject): Array<{ field: string; before: string; after: string }> {
  const out: Array<{ field: string; before: string; after: string }> = [];
  const labels = [...new Set([...before.fields.keys(), ...after.fields.keys()])];
  for (const field of labels) {
    const b = before.fields.get(field) ?? '无';
    const a = after.fields.get(field) ?? '无';
    if (b !== a) out.push({ field, before: b, after: a });
  }
  return out;
}

export function diffServices(beforeBuild: AccountBuild, afterBuild: AccountBuild): ServiceChange[] {
  const old = new Map(beforeBuild.services.map((s) => [s.ref, s]));
  const next = new Map(afterBuild.services.map((s) => [s.ref, s]));
  const oldSubjects = citizenSubjects(beforeBuild);
  const nextSubjects = citizenSubjects(afterBuild);
  const changes: ServiceChange[] = [];
  for (const [ref, s] of next) {
    const prev = old.get(ref);
    if (!prev) changes.push({ change: 'added', ref, name: s.name, details: [] });
    else {
      const details = fieldChanges(oldSubjects.get(`service:${ref}`)!, nextSubjects.get(`service:${ref}`)!).map((c) => `${c.field}：${c.before} → ${c.after}`);
      if (details.length) changes.push({ change: 'changed', ref, name: s.name, details });
    }
  }
  for (const [ref, s] of old) if (!next.has(ref)) changes.push({ change: 'removed', ref, name: s.name, details: [] });
  return changes;
}

/** Added, removed and changed account, department, hall and topic fields. */
export function diffSubjects(before: AccountBuild, after: AccountBuild): FieldChange[] {
  const old = citizenSubjects(before);
  const next = citizenSubjects(after);
  const changes: FieldChange[] = [];
  const keys = [...new Set([...old.keys(), ...next.keys()])].filter((k) => !k.startsWith('service:'));
  for (const key of keys) {
    const b = old.get(key);
    const a = next.get(key);
    const subject = (a ?? b)!;
    if (!b) changes.push({ section: subject.section, subject: subject.title, field: '', before: '', after: '新增' });
    else if (!a) changes.push({ section: subject.section, subject: subject.title, field: '', before: '删除', after: '' });
    else for (const c of fieldChanges(b, a)) changes.push({ section: subject.section, subject: a.title, ...c });
  }
  return changes;
}

export function diffBuilds(before: AccountBuild, after: AccountBuild): BuildDiff {
  const menu = diffMenus(before.menu.button, after.menu.button);
  const keywords = diffKeywords(before.keywords, after.keywords);
  const services = diffServices(before, after);
  const fields = diffSubjects(before, after);
  return { menu, keywords, services, fields, empty: !menu.length && !keywords.length && !services.length && !fields.length };
}

export interface DiffLine {
  section: '菜单' | '关键词' | Section;
  kind: 'added' | 'removed' | 'changed';
  text: string;
}

const under = (parent: string) => (parent ? `“${parent}”下的` : '一级');
const ownerList = (owners: string[]) => owners.join('、') || '无';

/** The diff as Chinese sentences for the review page. */
export function describeDiff(diff: BuildDiff): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const m of diff.menu) {
    if (m.change === 'added') lines.push({ section: '菜单', kind: 'added', text: `新增${under(m.parent)}按钮“${m.after}”` });
    else if (m.change === 'removed') lines.push({ section: '菜单', kind: 'removed', text: `删除${under(m.parent)}按钮“${m.before}”` });
    else if (m.change === 'renamed') lines.push({ section: '菜单', kind: 'changed', text: `${under(m.parent)}按钮“${m.before}”改名为“${m.after}”` });
    else lines.push({ section: '菜单', kind: 'changed', text: `按钮“${m.after}”从“${m.before || '一级菜单'}”移到“${m.parent || '一级菜单'}”` });
  }
  for (const k of diff.keywords) {
    // A keyword that takes another department's traffic is never a quiet line.
    if (k.beats?.length && k.change !== 'removed') {
      lines.push({ section: '关键词', kind: 'changed', text: `跨部门优先级（经平台批准）：关键词“${k.text}”（${ownerList(k.ownersAfter)}）胜过 ${ownerList(k.beats)} 的关键词` });
      if (k.change === 'beats-changed') continue;
    }
    if (k.change === 'added') lines.push({ section: '关键词', kind: 'added', text: `新增关键词“${k.text}”（${ownerList(k.ownersAfter)}）` });
    else if (k.change === 'removed') lines.push({ section: '关键词', kind: 'removed', text: `删除关键词“${k.text}”（${ownerList(k.ownersBefore)}）` });
    else if (k.change === 'owner-changed') lines.push({ section: '关键词', kind: 'changed', text: `关键词“${k.text}”的归属部门由 ${ownerList(k.ownersBefore)} 变为 ${ownerList(k.ownersAfter)}` });
    else if (k.change === 'priority-changed') lines.push({ section: '关键词', kind: 'changed', text: `关键词“${k.text}”（${ownerList(k.ownersAfter)}）的优先级：${k.priorityBefore} → ${k.priorityAfter}` });
    else lines.push({ section: '关键词', kind: 'changed', text: `关键词“${k.text}”回复的内容改变` });
  }
  for (const f of diff.fields) {
    if (!f.field) lines.push({ section: f.section, kind: f.before ? 'removed' : 'added', text: `${f.before || f.after}${f.subject}` });
    else lines.push({ section: f.section, kind: 'changed', text: `${f.subject} · ${f.field}：${f.before} → ${f.after}` });
  }
  for (const s of diff.services) {
    if (s.change === 'added') lines.push({ section: '服务', kind: 'added', text: `新增服务“${s.name}”（${s.ref}）` });
    else if (s.change === 'removed') lines.push({ section: '服务', kind: 'removed', text: `删除服务“${s.name}”（${s.ref}）` });
    else for (const d of s.details) lines.push({ section: '服务', kind: 'changed', text: `服务“${s.name}”（${s.ref}） · ${d}` });
  }
  return lines;
}
