// What a publish would change for citizens, computed from the published build and the candidate
// build rather than from text, so a reviewer sees "按钮“违章查询”改名为“查违章”" instead of a
// line diff of someone else's JSON formatting.
import type { AccountBuild, BuiltService, CompiledKeyword, MenuButton } from '../builder/index.js';

export interface MenuChange {
  change: 'added' | 'removed' | 'renamed' | 'moved';
  /** Name of the top-level button the leaf sits under ('' for a top-level leaf or group). */
  parent: string;
  before?: string;
  after?: string;
}

export interface KeywordChange {
  change: 'added' | 'removed' | 'owner-changed' | 'target-changed';
  text: string;
  ownersBefore: string[];
  ownersAfter: string[];
}

export interface ServiceChange {
  change: 'added' | 'removed' | 'changed';
  ref: string;
  name: string;
  /** For 'changed': which parts differ, e.g. 名称, 简介, 步骤“预约”. */
  details: string[];
}

export interface BuildDiff {
  menu: MenuChange[];
  keywords: KeywordChange[];
  services: ServiceChange[];
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
const targets = (rules: CompiledKeyword[]) => JSON.stringify(rules.map((r) => r.target).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));

export function diffKeywords(before: CompiledKeyword[], after: CompiledKeyword[]): KeywordChange[] {
  const old = byText(before);
  const next = byText(after);
  const changes: KeywordChange[] = [];
  for (const [key, rules] of next) {
    const prev = old.get(key);
    const text = rules[0]!.text;
    if (!prev) changes.push({ change: 'added', text, ownersBefore: [], ownersAfter: owners(rules) });
    else if (owners(prev).join() !== owners(rules).join()) {
      changes.push({ change: 'owner-changed', text, ownersBefore: owners(prev), ownersAfter: owners(rules) });
    } else if (targets(prev) !== targets(rules)) {
      changes.push({ change: 'target-changed', text, ownersBefore: owners(prev), ownersAfter: owners(rules) });
    }
  }
  for (const [key, rules] of old) {
    if (!next.has(key)) changes.push({ change: 'removed', text: rules[0]!.text, ownersBefore: owners(rules), ownersAfter: [] });
  }
  return changes;
}

const STEP_NAMES: Record<string, string> = {
  location: '位置', appointment: '预约', processing: '办理', payment: '缴费', progress: '进度', rating: '评价',
};

function serviceDetails(b: BuiltService, a: BuiltService): string[] {
  const details: string[] = [];
  if (b.name !== a.name) details.push(`名称：${b.name} → ${a.name}`);
  if (b.menuName !== a.menuName) details.push(`菜单名：${b.menuName} → ${a.menuName}`);
  if (b.summary !== a.summary) details.push('简介');
  if (b.url !== a.url) details.push('页面地址');
  if (JSON.stringify(b.halls) !== JSON.stringify(a.halls)) details.push('服务大厅');
  for (const step of Object.keys(STEP_NAMES)) {
    const sb = (b.steps as Record<string, unknown>)[step];
    const sa = (a.steps as Record<string, unknown>)[step];
    if (sb === undefined && sa !== undefined) details.push(`新增步骤“${STEP_NAMES[step]}”`);
    else if (sb !== undefined && sa === undefined) details.push(`删除步骤“${STEP_NAMES[step]}”`);
    else if (JSON.stringify(sb) !== JSON.stringify(sa)) details.push(`修改步骤“${STEP_NAMES[step]}”`);
  }
  return details;
}

export function diffServices(before: BuiltService[], after: BuiltService[]): ServiceChange[] {
  const old = new Map(before.map((s) => [s.ref, s]));
  const next = new Map(after.map((s) => [s.ref, s]));
  const changes: ServiceChange[] = [];
  for (const [ref, s] of next) {
    const prev = old.get(ref);
    if (!prev) changes.push({ change: 'added', ref, name: s.name, details: [] });
    else {
      const details = serviceDetails(prev, s);
      if (details.length) changes.push({ change: 'changed', ref, name: s.name, details });
    }
  }
  for (const [ref, s] of old) if (!next.has(ref)) changes.push({ change: 'removed', ref, name: s.name, details: [] });
  return changes;
}

export function diffBuilds(before: AccountBuild, after: AccountBuild): BuildDiff {
  const menu = diffMenus(before.menu.button, after.menu.button);
  const keywords = diffKeywords(before.keywords, after.keywords);
  const services = diffServices(before.services, after.services);
  return { menu, keywords, services, empty: !menu.length && !keywords.length && !services.length };
}

export interface DiffLine {
  section: '菜单' | '关键词' | '服务';
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
    if (k.change === 'added') lines.push({ section: '关键词', kind: 'added', text: `新增关键词“${k.text}”（${ownerList(k.ownersAfter)}）` });
    else if (k.change === 'removed') lines.push({ section: '关键词', kind: 'removed', text: `删除关键词“${k.text}”（${ownerList(k.ownersBefore)}）` });
    else if (k.change === 'owner-changed') lines.push({ section: '关键词', kind: 'changed', text: `关键词“${k.text}”的归属部门由 ${ownerList(k.ownersBefore)} 变为 ${ownerList(k.ownersAfter)}` });
    else lines.push({ section: '关键词', kind: 'changed', text: `关键词“${k.text}”回复的内容改变` });
  }
  for (const s of diff.services) {
    if (s.change === 'added') lines.push({ section: '服务', kind: 'added', text: `新增服务“${s.name}”（${s.ref}）` });
    else if (s.change === 'removed') lines.push({ section: '服务', kind: 'removed', text: `删除服务“${s.name}”（${s.ref}）` });
    else lines.push({ section: '服务', kind: 'changed', text: `修改服务“${s.name}”（${s.ref}）：${s.details.join('；')}` });
  }
  return lines;
}
