// A matter as its notice and form pages (and GET /api/matters/:id) present it: departments by name,
// each member with when it applies, the form in sections (shared first, then each member's own).
import type { AccountBuild, BuiltMatter } from '../../builder/index.js';

export function describeMatter(build: AccountBuild, matter: BuiltMatter) {
  const departmentName = (id: string) => build.departments.find((d) => d.id === id)?.name ?? id;
  const serviceName = (ref: string) => build.services.find((s) => s.ref === ref)?.name ?? ref;
  const when = (m: BuiltMatter['members'][number]) => {
    if (!m.when) return null;
    const q = matter.questions.find((x) => x.name === m.when!.question);
    const labels = m.when.equals.map((v) => q?.options.find((o) => o.value === v)?.label ?? v);
    return `${q?.label ?? m.when.question}：${labels.join('或')}`;
  };
  const members = matter.members.map((m) => ({ service: m.service, serviceName: serviceName(m.service), department: m.department, departmentName: departmentName(m.department), lead: m.department === matter.lead, when: when(m) }));
  const sections = [
    { member: null as string | null, title: '共同信息（各部门共用，只填一次）', when: null as string | null, fields: matter.fields.filter((f) => f.member === null).map((f) => f.field), attachments: matter.attachments.filter((a) => a.member === null) },
    ...members.map((m) => ({
      member: m.service,
      title: `${m.serviceName}（${m.departmentName}）`,
      when: m.when,
      fields: matter.fields.filter((f) => f.member === m.service).map((f) => f.field),
      attachments: matter.attachments.filter((a) => a.member === m.service),
    })),
  ].filter((s) => s.fields.length > 0 || s.attachments.length > 0);
  return {
    id: matter.id,
    name: matter.name,
    summary: matter.summary,
    url: matter.url,
    lead: { id: matter.lead, name: departmentName(matter.lead) },
    cooperating: matter.cooperating.map((id) => ({ id, name: departmentName(id) })),
    notice: matter.notice,
    questions: matter.questions,
    members,
    sections,
    onRefusal: matter.onRefusal,
  };
}
