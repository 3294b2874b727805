// What an account's type cannot do, checked at build time against the one capability matrix:
// a service step or an account setting that needs a capability the account lacks is an error
// naming the capability. Services whose home is another account are that account's concern.
import { can, describeMissingCapability, type Capability } from '../capabilities/index.js';
import type { CityModel } from './city-model.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';

export function checkAccountCapabilities(model: CityModel, homes: Record<string, string>, sink: DiagnosticSink): void {
  const { account: entry } = model;
  const account = entry.account;
  if (!account) return;
  const kind = { type: account.type, verified: account.verified ?? true, name: account.name };
  const missing = (capability: Capability, at: SourceRef, what: string, fix: string) => {
    if (!can(kind, capability)) sink.error('CAPABILITY_MISSING', at, `${what}：${describeMissingCapability(kind, capability)}（${entry.file}）。${fix}`);
  };
  const templateId = account.notifications?.appointmentTemplateId;
  if (templateId !== undefined) {
    missing('template-message', { file: entry.file, pointer: '/notifications/appointmentTemplateId' }, '预约通知使用模板消息', '请删除模板编号（通知只记录在服务器日志中），或把预约服务放到服务号');
  }
  missing('custom-menu', { file: entry.file, pointer: '/menu' }, '菜单需要自定义菜单接口', '请先完成微信认证');
  for (const service of model.services.values()) {
    if (model.scope && !model.scope.services.has(service.ref)) continue;
    if (homes[service.ref] !== undefined) continue;
    const { steps, name } = service.service;
    const at = (suffix: string): SourceRef => ({ file: service.department.file, pointer: `${service.pointer}/steps/${suffix}` });
    if (steps.payment && steps.payment.online !== false) {
      missing('wechat-pay', at('payment'), `服务“${name}”在线缴费`, '请把这项服务放到服务号办理，或把缴费步骤设为 "online": false（线下缴费）');
    }
    if (steps.progress?.notifyTemplateId !== undefined) {
      missing('template-message', at('progress/notifyTemplateId'), `服务“${name}”用模板消息通知办理进度`, '请删除 notifyTemplateId（进度只在页面上查看），或把这项服务放到服务号');
    }
  }
}
