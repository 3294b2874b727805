// An account's broadcasts (群发) beyond what its schema says: unique column and step ids, columns
// owned by departments that exist, every step reachable by enough people, previewers WeChat can
// reach, and openid delivery only where WeChat allows it (服务号); an account the capability matrix
// does not let mass-send (an unverified one) may only publish.
import { can, describeMissingCapability } from '../capabilities/index.js';
import type { BroadcastColumn } from '../model/index.js';
import type { CityModel } from './city-model.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';

export function checkBroadcasts(model: CityModel, sink: DiagnosticSink): void {
  const { file, account } = model.account;
  const config = account?.broadcasts;
  if (!config) return;
  const at = (pointer: string) => ({ file, pointer: `/broadcasts${pointer}` });
  const seen = new Set<string>();
  for (const [i, column] of config.columns.entries()) {
    if (seen.has(column.id)) sink.error('BROADCAST_DUPLICATE_ID', at(`/columns/${i}/id`), `栏目编号“${column.id}”重复`);
    seen.add(column.id);
    if (!model.departments.has(column.department) && !model.broken.departments.has(column.department)) {
      sink.error('UNKNOWN_DEPARTMENT', at(`/columns/${i}/department`), `栏目“${column.name}”的部门“${column.department}”不存在（没有 departments/${column.department}.json）`);
    }
  }
  for (const [i, column] of config.columns.entries()) {
    if (column.template?.source) checkTemplateSource(column.template, model, (p) => at(`/columns/${i}/template${p}`), sink);
  }
  const steps = new Set<string>();
  for (const [i, step] of config.chain.entries()) {
    if (steps.has(step.id)) sink.error('BROADCAST_DUPLICATE_ID', at(`/chain/${i}/id`), `审核步骤编号“${step.id}”重复`);
    steps.add(step.id);
    const named = new Set([...(step.users ?? []), ...(step.previewers ?? []).map((p) => p.user)]);
    if (!step.role && named.size === 0) {
      sink.error('BROADCAST_STEP_NOBODY', at(`/chain/${i}`), `审核步骤“${step.name}”没有指定任何人（users、role 或 previewers）`);
    } else if (!step.role && named.size < step.approvals) {
      sink.error('BROADCAST_STEP_UNREACHABLE', at(`/chain/${i}/approvals`), `审核步骤“${step.name}”需要 ${step.approvals} 人通过，但只指定了 ${named.size} 人，永远无法通过`);
    }
    if (step.department && !step.role) sink.warning('BROADCAST_DEPARTMENT_WITHOUT_ROLE', at(`/chain/${i}/department`), `审核步骤“${step.name}”的 department 只与 role 一起生效`);
    for (const [j, p] of (step.previewers ?? []).entries()) {
      if (!p.openid && !p.wxname) sink.error('BROADCAST_PREVIEWER_UNREACHABLE', at(`/chain/${i}/previewers/${j}`), `预览人“${p.user}”既没有 openid 也没有微信号，收不到预览`);
    }
  }
  const kind = { type: account.type, verified: account.verified ?? true, name: account.name };
  if ((config.delivery ?? 'sendall') === 'sendall' && !can(kind, 'broadcast')) {
    sink.error('CAPABILITY_MISSING', at('/delivery'), `群发：${describeMissingCapability(kind, 'broadcast')}（${file}）。请先完成微信认证，或把 delivery 设为 "publish"（发布，不通知关注者）`);
  }
  if (config.delivery === 'openids') {
    if (account.type !== 'service') sink.error('BROADCAST_OPENIDS_SERVICE_ONLY', at('/delivery'), '按 openid 群发（mass/send）只对服务号开放；订阅号请用 sendall 或 publish');
    if (!config.openids?.length) sink.error('BROADCAST_OPENIDS_MISSING', at('/openids'), 'delivery 为 openids 时须列出接收者 openids（2 到 10000 个）');
  }
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]{0,39})\s*\}\}/g;
const PATH_INPUT = /\{([a-zA-Z][a-zA-Z0-9_]{0,39})\}/g;

/** A recurring column filled from a department's system: a declared connector, a plain path, and blanks the answer names. */
function checkTemplateSource(template: NonNullable<BroadcastColumn['template']>, model: CityModel, at: (pointer: string) => SourceRef, sink: DiagnosticSink): void {
  const source = template.source!;
  const declared = (model.account.account?.connectors ?? []).map((c) => c.id);
  if (!declared.includes(source.connector)) {
    sink.error('UNKNOWN_CONNECTOR', at('/source/connector'), `接口“${source.connector}”没有在 account.json 的 connectors 中声明（现有：${declared.join('、') || '无'}）`);
  }
  if (!source.path.startsWith('/') || source.path.includes('//') || source.path.includes('..') || /^[a-z][a-z0-9+.-]*:/i.test(source.path)) {
    sink.error('QUERY_HOST_FORBIDDEN', at('/source/path'), '接口路径必须以 / 开头且不能包含主机名、“//”或“..”');
  }
  for (const text of [source.path, ...Object.values(source.params ?? {})]) {
    for (const [, name] of text.matchAll(PATH_INPUT)) {
      if (name !== 'date') sink.error('BROADCAST_SOURCE_INPUT_UNKNOWN', at('/source'), `接口路径或参数引用了“${name}”；群发模板只提供 {date}（这一期的日期，YYYY-MM-DD）`);
    }
  }
  const mapped = new Set(Object.keys(source.map ?? {}));
  for (const field of ['title', 'author', 'digest', 'body'] as const) {
    for (const [, name] of (template[field] ?? '').matchAll(PLACEHOLDER)) {
      if (name !== 'date' && !mapped.has(name!)) sink.error('BROADCAST_TEMPLATE_FIELD_UNKNOWN', at(`/${field}`), `模板引用了“{{${name}}}”，但 source.map 中没有这个字段（现有：${[...mapped].join('、') || '无'}）`);
    }
  }
}
