// Cross-department matters (一件事): checks each matters/<id>.json against the departments and
// services it names, merges the members' forms (merge-matter-form.ts) and returns the matters
// that passed. A matter with any error is left out of the build whole, like a broken service.
import type { CityModel, MatterEntry } from './city-model.js';
import type { DiagnosticSink } from './diagnostics.js';
import { compareStrings } from './diagnostics.js';
import { encodePointerSegment } from './parse-city-file.js';
import { memberFields, mergeMatterForm, type FormMember } from './merge-matter-form.js';
import type { BuiltMatter, BuiltMatterMember } from './types.js';

export function checkMatters(model: CityModel, publicBaseUrl: string, sink: DiagnosticSink): BuiltMatter[] {
  const built: BuiltMatter[] = [];
  const entries = [...model.matters.values()].sort((a, b) => compareStrings(a.matter.id, b.matter.id));
  for (const entry of entries) {
    const matter = checkMatter(model, entry, publicBaseUrl, sink);
    if (matter) built.push(matter);
  }
  return built;
}

function checkMatter(model: CityModel, entry: MatterEntry, publicBaseUrl: string, sink: DiagnosticSink): BuiltMatter | undefined {
  const { file, matter } = entry;
  let ok = true;
  const error = (code: string, pointer: string, message: string) => {
    ok = false;
    sink.error(code, { file, pointer }, message);
  };
  const departmentKnown = (id: string) => model.departments.has(id) || model.broken.departments.has(id);
  if (!departmentKnown(matter.lead)) error('UNKNOWN_DEPARTMENT', '/lead', `牵头部门“${matter.lead}”不存在（没有 departments/${matter.lead}.json）`);
  for (const [i, id] of matter.cooperating.entries()) {
    if (id === matter.lead) error('MATTER_LEAD_COOPERATING', `/cooperating/${i}`, `牵头部门“${id}”不必再列为配合部门`);
    else if (!departmentKnown(id)) error('UNKNOWN_DEPARTMENT', `/cooperating/${i}`, `配合部门“${id}”不存在（没有 departments/${id}.json）`);
  }
  if (matter.topic !== undefined && !model.topics.has(matter.topic) && !model.broken.topics.has(matter.topic)) {
    error('UNKNOWN_TOPIC', '/topic', `主题“${matter.topic}”不存在（没有 ${matter.topic}.json）`);
  }
  const questions = new Map<string, Set<string>>();
  for (const [i, q] of (matter.questions ?? []).entries()) {
    if (questions.has(q.name)) error('DUPLICATE_FIELD_NAME', `/questions/${i}/name`, `问题名“${q.name}”在本事项中已使用`);
    questions.set(q.name, new Set(q.options.map((o) => o.value)));
  }

  const involved = new Set([matter.lead, ...matter.cooperating]);
  const members: FormMember[] = [];
  const builtMembers: BuiltMatterMember[] = [];
  for (const [i, member] of matter.members.entries()) {
    const pointer = `/members/${i}`;
    const service = model.services.get(member.service);
    if (!service) {
      const [dept] = member.service.split('/') as [string];
      // A broken department or service is reported in its own file; the matter just waits for it.
      if (model.broken.services.has(member.service) || model.broken.departments.has(dept)) ok = false;
      else error('UNKNOWN_SERVICE', `${pointer}/service`, `成员服务“${member.service}”不存在`);
      continue;
    }
    if (members.some((m) => m.ref === member.service)) {
      error('MATTER_MEMBER_DUPLICATE', `${pointer}/service`, `成员服务“${member.service}”已列出`);
      continue;
    }
    const department = service.department.department;
    if (!involved.has(department.id)) {
      error('MATTER_MEMBER_DEPARTMENT', `${pointer}/service`, `成员服务“${service.service.name}”属于${department.name}（${department.id}），它既不是牵头部门也不是配合部门`);
    }
    if (!service.service.steps.processing?.online) {
      error('MATTER_MEMBER_NOT_ONLINE', `${pointer}/service`, `成员服务“${service.service.name}”（${department.name}）不支持在线申请，不能并入一张表`);
      continue;
    }
    if (member.when) {
      const options = questions.get(member.when.question);
      if (!options) error('MATTER_CONDITION_UNKNOWN', `${pointer}/when/question`, `条件中的问题“${member.when.question}”不在本事项的 questions 中`);
      for (const [k, value] of member.when.equals.entries()) {
        if (options && !options.has(value)) error('MATTER_CONDITION_UNKNOWN', `${pointer}/when/equals/${k}`, `“${value}”不是问题“${member.when.question}”的选项`);
      }
    }
    const formMember: FormMember = { ref: member.service, entry: service, conditional: !!member.when, presets: member.presets ?? {} };
    for (const [name, value] of Object.entries(member.presets ?? {})) {
      const at = `${pointer}/presets/${encodePointerSegment(name)}`;
      const field = memberFields(formMember).find((f) => f.item.name === name && f.item.type !== 'file')?.item;
      if (!field) error('MATTER_PRESET_UNKNOWN', at, `${department.name}的“${service.service.name}”在线申请中没有字段“${name}”`);
      else if (field.type === 'select' && !field.options?.some((o) => o.value === value)) {
        error('MATTER_PRESET_INVALID', at, `“${value}”不是${department.name}“${field.label}”的选项（${(field.options ?? []).map((o) => o.value).join('、')}）`);
      }
    }
    members.push(formMember);
    builtMembers.push({ service: member.service, department: department.id, ...(member.when ? { when: { question: member.when.question, equals: member.when.equals } } : {}), presets: member.presets ?? {} });
  }
  // The lead's part always exists: it holds the matter's rating and its bad-review follow-up.
  if (ok && !builtMembers.some((m) => m.department === matter.lead && !m.when)) {
    error('MATTER_LEAD_MEMBER', '/members', '牵头部门至少要有一项无条件办理的成员服务（一件事的评价和差评整改由它负责）');
  }
  for (const [i, id] of matter.cooperating.entries()) {
    if (departmentKnown(id) && id !== matter.lead && !builtMembers.some((m) => m.department === id)) {
      sink.warning('MATTER_DEPARTMENT_UNUSED', { file, pointer: `/cooperating/${i}` }, `配合部门“${id}”在本事项中没有成员服务`);
    }
  }
  const form = mergeMatterForm(model, entry, members, sink);
  if (!ok || !form.ok) return undefined;
  return {
    id: matter.id,
    name: matter.name,
    menuName: matter.menuName,
    summary: matter.summary,
    url: `${publicBaseUrl}/m/${matter.id}`,
    lead: matter.lead,
    cooperating: [...matter.cooperating],
    ...(matter.topic ? { topic: matter.topic } : {}),
    notice: matter.notice,
    questions: matter.questions ?? [],
    members: builtMembers,
    fields: form.fields,
    attachments: form.attachments,
    onRefusal: matter.onRefusal ?? 'continue',
  };
}
