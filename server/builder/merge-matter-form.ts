// 一表申请、一套材料: merges the member services' forms into a matter's one form. A shared field
// is asked once and given to every member field it maps; the mapped fields must mean the same
// thing to each department (same type, same pattern, same options, ranges that overlap), and a
// shared document must be a file every mapped attachment accepts. Each incompatibility is an
// error in the matter file naming both departments, and a warning on the member's own field in
// its department file, so a department editing its form sees which matter it would break.
import type { Attachment, FormField } from '../model/index.js';
import type { CityModel, MatterEntry, ServiceEntry } from './city-model.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';
import { encodePointerSegment } from './parse-city-file.js';
import type { MatterFormAttachment, MatterFormField } from './types.js';

const TYPE_NAMES: Record<FormField['type'], string> = { text: '文本', number: '数字', date: '日期', select: '下拉选择', idcard: '身份证号', phone: '手机号', file: '文件' };
const DEFAULT_FILE_KB = 5120;

/** A member as the form merge sees it: its service entry and whether it always applies. */
export interface FormMember {
  ref: string;
  entry: ServiceEntry;
  conditional: boolean;
  presets: Record<string, string>;
}

interface Located<T> {
  member: FormMember;
  item: T;
  /** Pointer of the item in its department file. */
  pointer: string;
}

export function memberFields(member: FormMember): Located<FormField>[] {
  const fields = member.entry.service.steps.processing?.fields ?? [];
  return fields.map((item, k) => ({ member, item, pointer: `${member.entry.pointer}/steps/processing/fields/${k}` }));
}

/** Declared attachments and `file` fields alike, as the loop accepts them. */
export function memberAttachments(member: FormMember): Located<Attachment>[] {
  const base = `${member.entry.pointer}/steps/processing`;
  const attachments = (member.entry.service.steps.processing?.attachments ?? []).map((item, k) => ({ member, item, pointer: `${base}/attachments/${k}` }));
  const files = memberFields(member)
    .filter((f) => f.item.type === 'file')
    .map(({ item, pointer }) => ({
      member,
      pointer,
      item: { name: item.name, label: item.label, required: item.required ?? false, types: item.accept ?? ['pdf', 'jpg', 'png'], maxSizeKb: item.maxSizeKb ?? DEFAULT_FILE_KB } as Attachment,
    }));
  return [...attachments, ...files];
}

export interface MergeResult {
  fields: MatterFormField[];
  attachments: MatterFormAttachment[];
  ok: boolean;
}

export function mergeMatterForm(model: CityModel, entry: MatterEntry, members: FormMember[], sink: DiagnosticSink): MergeResult {
  const { file, matter } = entry;
  let ok = true;
  const byRef = new Map(members.map((m) => [m.ref, m]));
  const deptName = (id: string) => model.departments.get(id)?.department.name ?? id;
  const side = (m: FormMember, name: string) => `${deptName(m.entry.department.department.id)}（${m.ref}）的“${name}”`;
  /** The error in the matter file, and a warning where each department would see it. */
  const conflict = (code: string, at: SourceRef, message: string, parties: Located<unknown>[]) => {
    ok = false;
    // No `related` here: the console places an error in every file it relates to, and a
    // department changing its own form is warned (below), not stopped; the matter's error keeps
    // the city from publishing until the lead department and the member agree.
    sink.error(code, at, message);
    for (const p of parties) {
      const lead = deptName(matter.lead);
      const warning = `此项被一件事“${matter.name}”（${file}，牵头部门：${lead}）合并到一张表中：${message}。修改表单前请与牵头部门协调`;
      sink.warning('MATTER_MAPPING_BROKEN', { file: p.member.entry.department.file, pointer: p.pointer }, warning, at);
    }
  };
  const taken = new Map<string, string>(); // "<ref>\n<field>" → what took it
  for (const m of members) for (const name of Object.keys(m.presets)) taken.set(`${m.ref}\n${name}`, '预设答案');
  const names = new Set((matter.questions ?? []).map((q) => q.name));

  /** Resolves one mapping entry to a member's item, or reports why it cannot. */
  function resolve<T extends { name: string }>(kind: '字段' | '材料', owner: string, maps: Record<string, string>, base: string, list: (m: FormMember) => Located<T>[]) {
    const found: Located<T>[] = [];
    for (const [ref, name] of Object.entries(maps)) {
      const at = { file, pointer: `${base}/maps/${encodePointerSegment(ref)}` };
      const member = byRef.get(ref);
      if (!member) {
        ok = false;
        sink.error('MATTER_MAPPING_UNKNOWN_MEMBER', at, `“${owner}”映射到“${ref}”，但它不是本事项的成员服务（members）`);
        continue;
      }
      const item = list(member).find((x) => x.item.name === name);
      if (!item) {
        const where = { file: member.entry.department.file, pointer: `${member.entry.pointer}/steps/processing` };
        conflict('MATTER_MAPPING_UNKNOWN_FIELD', at, `“${owner}”映射到${deptName(member.entry.department.department.id)}（${ref}）的${kind}“${name}”，但该服务的在线申请中没有这个${kind}`, [{ member, item: null, pointer: where.pointer }]);
        continue;
      }
      const key = `${ref}\n${name}`;
      const earlier = taken.get(key);
      if (earlier) {
        ok = false;
        sink.error('MATTER_FIELD_MAPPED_TWICE', at, `${side(member, name)}已由${earlier}填写，不能再由“${owner}”填写`);
        continue;
      }
      taken.set(key, `“${owner}”`);
      found.push(item);
    }
    return found;
  }

  const fields: MatterFormField[] = [];
  for (const [j, shared] of (matter.fields ?? []).entries()) {
    const base = `/fields/${j}`;
    if (names.has(shared.name)) {
      ok = false;
      sink.error('DUPLICATE_FIELD_NAME', { file, pointer: `${base}/name` }, `字段名“${shared.name}”在本事项中已使用`);
      continue;
    }
    names.add(shared.name);
    const targets = resolve('字段', shared.label, shared.maps, base, (m) => memberFields(m).filter((f) => f.item.type !== 'file'));
    if (targets.length === 0) continue;
    const merged = mergeFields(targets, (code, message, parties) => conflict(code, { file, pointer: `${base}/maps/${encodePointerSegment(parties[1]!.member.ref)}` }, message, parties), side, shared.label);
    if (!merged) continue;
    const required = targets.some((t) => t.item.required && !t.member.conditional);
    fields.push({
      field: { ...merged, name: shared.name, label: shared.label, ...(shared.help ?? merged.help ? { help: shared.help ?? merged.help } : {}), required },
      member: null,
      targets: targets.map((t) => ({ service: t.member.ref, name: t.item.name })),
    });
  }

  const attachments: MatterFormAttachment[] = [];
  for (const [j, shared] of (matter.attachments ?? []).entries()) {
    const base = `/attachments/${j}`;
    if (names.has(shared.name)) {
      ok = false;
      sink.error('DUPLICATE_FIELD_NAME', { file, pointer: `${base}/name` }, `名称“${shared.name}”在本事项中已使用`);
      continue;
    }
    names.add(shared.name);
    const targets = resolve('材料', shared.label, shared.maps, base, memberAttachments);
    if (targets.length === 0) continue;
    const types = targets.map((t) => t.item.types).reduce((a, b) => a.filter((x) => b.includes(x)));
    if (types.length === 0) {
      const [a, b] = targets.filter((t, i) => i === 0 || !t.item.types.some((x) => targets[0]!.item.types.includes(x)));
      const list = (t: Located<Attachment>) => t.item.types.map((x) => x.toUpperCase()).join('/');
      conflict('MATTER_ATTACHMENT_TYPES_CONFLICT', { file, pointer: `${base}/maps/${encodePointerSegment(b!.member.ref)}` }, `共享材料“${shared.label}”没有各部门都接受的文件类型：${side(a!.member, a!.item.name)}接受 ${list(a!)}，${side(b!.member, b!.item.name)}接受 ${list(b!)}`, [a!, b!]);
      continue;
    }
    attachments.push({
      name: shared.name,
      label: shared.label,
      member: null,
      types,
      maxSizeKb: Math.min(...targets.map((t) => t.item.maxSizeKb)),
      targets: targets.map((t) => ({ service: t.member.ref, name: t.item.name })),
    });
  }

  // What no shared entry covers is asked in the member's own section of the form.
  for (const m of members) {
    const prefix = `${m.ref.replace('/', '.')}.`;
    for (const { item } of memberFields(m)) {
      if (item.type === 'file' || taken.has(`${m.ref}\n${item.name}`)) continue;
      const { requiredWhen: _when, ...rest } = item;
      fields.push({ field: { ...rest, name: prefix + item.name, required: (item.required ?? false) && !m.conditional }, member: m.ref, targets: [{ service: m.ref, name: item.name }] });
    }
    for (const { item } of memberAttachments(m)) {
      if (taken.has(`${m.ref}\n${item.name}`)) continue;
      attachments.push({ name: prefix + item.name, label: item.label, member: m.ref, types: item.types, maxSizeKb: item.maxSizeKb, targets: [{ service: m.ref, name: item.name }] });
    }
  }
  return { fields, attachments, ok };
}

type Report = (code: string, message: string, parties: Located<FormField>[]) => void;

/** One definition satisfying every mapped field, or undefined after reporting why none exists. */
export function mergeFields(targets: Located<FormField>[], report: Report, side: (m: FormMember, name: string) => string, label: string): FormField | undefined {
  const first = targets[0]!;
  let merged: FormField = { ...first.item };
  let compatible = true;
  for (const other of targets.slice(1)) {
    const a = first.item;
    const b = other.item;
    const pair = [first, other];
    const sides = `${side(first.member, a.name)}与${side(other.member, b.name)}`;
    if (a.type !== b.type) {
      report('MATTER_FIELD_TYPE_CONFLICT', `共享字段“${label}”的类型不一致：${sides}分别为${TYPE_NAMES[a.type]}和${TYPE_NAMES[b.type]}`, pair);
      compatible = false;
      continue;
    }
    if (a.pattern !== undefined && b.pattern !== undefined && a.pattern !== b.pattern) {
      report('MATTER_FIELD_PATTERN_CONFLICT', `共享字段“${label}”的格式要求不一致：${sides}的 pattern 分别为 ${a.pattern} 和 ${b.pattern}`, pair);
      compatible = false;
      continue;
    }
    if (a.type === 'select') {
      const va = (a.options ?? []).map((o) => o.value);
      const vb = (b.options ?? []).map((o) => o.value);
      const onlyA = va.filter((v) => !vb.includes(v));
      const onlyB = vb.filter((v) => !va.includes(v));
      if (onlyA.length || onlyB.length) {
        const diff = [onlyA.length ? `仅前者有 ${onlyA.join('、')}` : '', onlyB.length ? `仅后者有 ${onlyB.join('、')}` : ''].filter(Boolean).join('，');
        report('MATTER_FIELD_OPTIONS_CONFLICT', `共享字段“${label}”的选项不一致：${sides}的选项不同（${diff}）`, pair);
        compatible = false;
        continue;
      }
    }
    const min = maxOf(merged.min, b.min);
    const max = minOf(merged.max, b.max);
    if (min !== undefined && max !== undefined && min > max) {
      report('MATTER_FIELD_RANGE_CONFLICT', `共享字段“${label}”没有同时满足各部门的取值：${sides}的范围（${a.min ?? '-'}~${a.max ?? '-'} 与 ${b.min ?? '-'}~${b.max ?? '-'}）不重叠`, pair);
      compatible = false;
      continue;
    }
    merged = {
      ...merged,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(merged.pattern === undefined && b.pattern !== undefined ? { pattern: b.pattern, ...(b.patternMessage ? { patternMessage: b.patternMessage } : {}) } : {}),
      ...(b.upperCase ? { upperCase: true } : {}),
    };
  }
  if (!compatible) return undefined;
  const { requiredWhen: _when, ...rest } = merged;
  return rest;
}

const maxOf = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const minOf = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
