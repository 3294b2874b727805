// Cross-file references: topics name departments and services, the menu names topics,
// resolutions name services. Also warns about services and topics citizens cannot reach.
import type { CityModel } from './city-model.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';
import { checkWeeklyHours } from './check-department.js';

export function checkReferences(model: CityModel, sink: DiagnosticSink): void {
  checkTopicReferences(model, sink);
  checkAccountReferences(model, sink);
}

/** The city-wide part: what topics name, and services in no topic at all. */
export function checkTopicReferences(model: CityModel, sink: DiagnosticSink): void {
  const inTopic = new Set<string>();
  for (const { file, topic } of model.topics.values()) {
    checkDepartmentRef(model, topic.lead, { file, pointer: '/lead' }, '牵头部门', sink);
    for (const [i, id] of (topic.cooperating ?? []).entries()) {
      checkDepartmentRef(model, id, { file, pointer: `/cooperating/${i}` }, '配合部门', sink);
    }
    for (const [i, ref] of topic.services.entries()) {
      inTopic.add(ref);
      checkServiceRef(model, ref, { file, pointer: `/services/${i}` }, sink);
    }
  }
  for (const service of model.services.values()) {
    if (!inTopic.has(service.ref)) {
      const at = { file: service.department.file, pointer: `${service.pointer}/id` };
      sink.warning('SERVICE_IN_NO_TOPIC', at, `服务“${service.service.name}”不属于任何主题，菜单里找不到它（只能通过关键词到达）`);
    }
  }
}

/** One account's part: its menu, resolutions and desk hours, and the topics it serves but does not show. */
export function checkAccountReferences(model: CityModel, sink: DiagnosticSink): void {
  const { account } = model;
  const inMenu = new Set<string>();
  for (const { index, slot } of account.slots) {
    const named = slot.topic !== undefined ? [[slot.topic, `/menu/buttons/${index}/topic`]] : [];
    for (const [i, id] of (slot.topics ?? []).entries()) named.push([id, `/menu/buttons/${index}/topics/${i}`]);
    for (const [id, pointer] of named as [string, string][]) {
      inMenu.add(id);
      if (!model.topics.has(id) && !model.broken.topics.has(id)) {
        sink.error('UNKNOWN_TOPIC', { file: account.file, pointer }, `主题“${id}”不存在（没有 ${id}.json）`);
      }
    }
  }
  for (const { index, resolution } of account.resolutions) {
    if (resolution.prefer) {
      checkServiceRef(model, resolution.prefer, { file: account.file, pointer: `/keywordResolutions/${index}/prefer` }, sink);
    }
  }
  if (account.account) checkWeeklyHours(account.account.desk.hours, account.file, '/desk/hours', sink);
  for (const { file, topic } of model.topics.values()) {
    if (model.scope && !model.scope.topics.has(topic.id)) continue;
    if (!inMenu.has(topic.id)) {
      sink.warning('TOPIC_NOT_IN_MENU', { file, pointer: '/id' }, `主题“${topic.name}”没有出现在 ${account.file} 的菜单中`);
    }
  }
}

export function checkDepartmentRef(model: CityModel, id: string, at: SourceRef, role: string, sink: DiagnosticSink): void {
  if (model.departments.has(id) || model.broken.departments.has(id)) return;
  sink.error('UNKNOWN_DEPARTMENT', at, `${role}“${id}”不存在（没有 departments/${id}.json）`);
}

function checkServiceRef(model: CityModel, ref: string, at: SourceRef, sink: DiagnosticSink): void {
  if (model.services.has(ref) || model.broken.services.has(ref)) return;
  const [departmentId, serviceId] = ref.split('/') as [string, string];
  if (model.broken.departments.has(departmentId)) return;
  const message = model.departments.has(departmentId)
    ? `服务“${ref}”不存在：部门“${departmentId}”中没有编号为“${serviceId}”的服务`
    : `服务“${ref}”不存在：没有部门“${departmentId}”`;
  sink.error('UNKNOWN_SERVICE', at, message);
}
