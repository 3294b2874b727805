// Notice types and reminders (department files) against the account's registered templates and
// WeChat's template rules (template-rules.ts), compiled into the build for the notices room.
import type { CityModel, DepartmentEntry } from './city-model.js';
import { compareStrings, type DiagnosticSink, type SourceRef } from './diagnostics.js';
import { FORBIDDEN_TEMPLATE_KEYS, fieldLimit, subscriptionKeyType, templateValueProblem } from './template-rules.js';
import type { BuiltNoticeType, BuiltReminder } from './types.js';
import type { Binding, NoticeTemplate, NoticeType } from '../model/index.js';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]{0,31})\}/g;

export function checkNotices(model: CityModel, publicBaseUrl: string, sink: DiagnosticSink): { notices: BuiltNoticeType[]; reminders: BuiltReminder[] } {
  const notifications = model.account.account?.notifications;
  const accountFile = model.account.file;
  const notices: BuiltNoticeType[] = [];
  const reminders: BuiltReminder[] = [];
  for (const entry of model.departments.values()) {
    const built = new Map<string, BuiltNoticeType>();
    const declared = new Set<string>();
    (entry.department.notices ?? []).forEach((notice, i) => {
      const at = (suffix: string): SourceRef => ({ file: entry.file, pointer: `/notices/${i}${suffix}` });
      if (declared.has(notice.id)) return sink.error('DUPLICATE_NOTICE_ID', at('/id'), `通知类型编号“${notice.id}”已使用`);
      declared.add(notice.id);
      const template = notifications?.templates?.[notice.template];
      if (!template) {
        sink.error('NOTICE_TEMPLATE_UNKNOWN', at('/template'), `模板“${notice.template}”未在 ${accountFile} 的 notifications.templates 中登记；请平台团队在公众平台申请模板后登记模板 ID`);
        return;
      }
      const subscription = notice.subscription === undefined ? undefined : notifications?.subscriptions?.[notice.subscription];
      if (notice.subscription !== undefined && !subscription) {
        sink.error('NOTICE_SUBSCRIPTION_UNKNOWN', at('/subscription'), `订阅通知“${notice.subscription}”未在 ${accountFile} 的 notifications.subscriptions 中登记（长期订阅通知仅向政务民生等公共服务开放）`);
        return;
      }
      if (!checkFields(entry, notice, i, template, subscription, sink)) return;
      if (notice.photos && !(model.account.account?.connectors ?? []).some((c) => c.id === notice.photos!.connector)) {
        sink.error('NOTICE_CONNECTOR_UNKNOWN', at('/photos/connector'), `接口“${notice.photos.connector}”未在 ${accountFile} 的 connectors 中声明`);
        return;
      }
      if (notice.link !== undefined && (!notice.link.startsWith('/') || notice.link.startsWith('//'))) {
        sink.error('NOTICE_LINK_INVALID', at('/link'), `消息链接须为本站路径（以 / 开头）：${notice.link}`);
        return;
      }
      const b: BuiltNoticeType = {
        ref: `${entry.department.id}/${notice.id}`,
        department: entry.department.id,
        id: notice.id,
        name: notice.name,
        template: { name: notice.template, templateId: template.templateId },
        fields: notice.fields,
        ...(subscription ? { subscription: { name: notice.subscription!, templateId: subscription.templateId } } : {}),
        ...(notice.photos ? { photos: notice.photos } : {}),
        ...(notice.link ? { link: `${publicBaseUrl}${notice.link}` } : {}),
      };
      built.set(notice.id, b);
      notices.push(b);
    });
    reminders.push(...checkReminders(entry, built, declared, sink));
  }
  return { notices: notices.sort((a, b) => compareStrings(a.ref, b.ref)), reminders: reminders.sort((a, b) => compareStrings(a.ref, b.ref)) };
}

function checkFields(entry: DepartmentEntry, notice: NoticeType, i: number, template: NoticeTemplate, subscription: NoticeTemplate | undefined, sink: DiagnosticSink): boolean {
  let ok = true;
  const at = (j: number, suffix: string): SourceRef => ({ file: entry.file, pointer: `/notices/${i}/fields/${j}${suffix}` });
  const names = new Set<string>();
  const keys = new Set<string>();
  notice.fields.forEach((field, j) => {
    const fail = (code: string, suffix: string, message: string) => ((ok = false), sink.error(code, at(j, suffix), message));
    if (names.has(field.name)) fail('NOTICE_FIELD_DUPLICATE', '/name', `数据字段“${field.name}”重复`);
    names.add(field.name);
    if (FORBIDDEN_TEMPLATE_KEYS.has(field.key)) {
      return fail('NOTICE_FIELD_FORBIDDEN', '/key', `模板字段“${field.key}”自 2023 年 5 月 4 日起已被微信取消（不再显示 first、remark），请改用模板的关键词字段`);
    }
    if (keys.has(field.key)) fail('NOTICE_FIELD_DUPLICATE', '/key', `模板字段“${field.key}”重复`);
    keys.add(field.key);
    if (template.fields && !template.fields.includes(field.key)) {
      fail('NOTICE_FIELD_UNKNOWN', '/key', `模板“${notice.template}”没有字段“${field.key}”（该模板的字段：${template.fields.join('、')}）`);
    }
    if (subscription) {
      if (field.subscriptionKey === undefined) fail('NOTICE_FIELD_UNKNOWN', '', `使用订阅通知时每个字段都须填写 subscriptionKey（如 thing1、date2）`);
      else if (!subscriptionKeyType(field.subscriptionKey)) fail('NOTICE_FIELD_UNKNOWN', '/subscriptionKey', `“${field.subscriptionKey}”不是订阅通知的字段类型（thing、number、character_string、phrase、time、date、car_number…）`);
      else if (subscription.fields && !subscription.fields.includes(field.subscriptionKey)) {
        fail('NOTICE_FIELD_UNKNOWN', '/subscriptionKey', `订阅通知“${notice.subscription}”没有字段“${field.subscriptionKey}”（该通知的字段：${subscription.fields.join('、')}）`);
      }
    }
    if (field.value !== undefined) {
      const limits = [fieldLimit(field.key, 'template'), ...(subscription && field.subscriptionKey ? [fieldLimit(field.subscriptionKey, 'subscription')] : [])];
      const problem = templateValueProblem(field.value, Math.min(...limits));
      if (problem) fail(/换行/.test(problem) ? 'NOTICE_VALUE_LINE_BREAK' : 'NOTICE_VALUE_TOO_LONG', '/value', `固定内容“${field.value}”${problem}`);
    }
  });
  for (const key of template.fields ?? []) {
    if (!keys.has(key)) {
      ok = false;
      sink.error('NOTICE_FIELD_MISSING', { file: entry.file, pointer: `/notices/${i}/fields` }, `模板“${notice.template}”的字段“${key}”没有对应的数据`);
    }
  }
  return ok;
}

function checkReminders(entry: DepartmentEntry, built: Map<string, BuiltNoticeType>, declared: Set<string>, sink: DiagnosticSink): BuiltReminder[] {
  const out: BuiltReminder[] = [];
  const ids = new Set<string>();
  const bindingKinds = new Map((entry.department.bindings ?? []).map((b) => [b.id, b]));
  (entry.department.reminders ?? []).forEach((reminder, i) => {
    const at = (suffix: string): SourceRef => ({ file: entry.file, pointer: `/reminders/${i}${suffix}` });
    if (ids.has(reminder.id)) return sink.error('DUPLICATE_REMINDER_ID', at('/id'), `提醒编号“${reminder.id}”已使用`);
    ids.add(reminder.id);
    const notice = built.get(reminder.notice);
    if (!notice) {
      // A notice type that failed its own checks already has its diagnostic.
      if (!declared.has(reminder.notice)) sink.error('REMINDER_NOTICE_UNKNOWN', at('/notice'), `通知类型“${reminder.notice}”未在本部门文件的 notices 中声明`);
      return;
    }
    const { follows } = reminder;
    const byBinding = follows.binding !== undefined;
    if (byBinding === (follows.pushed === true) || (byBinding && follows.field === undefined)) {
      return sink.error('REMINDER_FOLLOWS_INVALID', at('/follows'), '提醒须且只能跟随一个日期：{"binding": 绑定类型, "field": 日期字段} 或 {"pushed": true}（由部门系统推送日期）');
    }
    if (byBinding && !bindingKinds.has(follows.binding!)) {
      return sink.error('REMINDER_BINDING_UNKNOWN', at('/follows/binding'), `绑定类型“${follows.binding}”未在本部门文件的 bindings 中声明`);
    }
    if (follows.refresh === true && !checkRefresh(byBinding ? bindingKinds.get(follows.binding!)! : undefined, follows.field, at, sink)) return;
    const data = reminder.data ?? {};
    const missing = notice.fields.filter((f) => f.value === undefined && !f.optional && data[f.name] === undefined).map((f) => `${f.name}（${f.label}）`);
    if (missing.length) return sink.error('REMINDER_DATA_MISSING', at('/data'), `通知类型“${notice.name}”需要的数据没有填写：${missing.join('、')}`);
    const unused = Object.keys(data).filter((name) => !notice.fields.some((f) => f.name === name));
    if (unused.length) return sink.error('REMINDER_DATA_UNKNOWN', at('/data'), `通知类型“${notice.name}”没有这些字段：${unused.join('、')}`);
    out.push({
      ref: `${entry.department.id}/${reminder.id}`,
      department: entry.department.id,
      id: reminder.id,
      name: reminder.name,
      notice: notice.ref,
      follows: byBinding ? { binding: follows.binding!, field: follows.field!, ...(follows.refresh === true ? { refresh: true as const } : {}) } : { pushed: true },
      daysBefore: [...reminder.daysBefore].sort((a, b) => b - a),
      data,
      placeholders: [...new Set(Object.values(data).flatMap((v) => [...v.matchAll(PLACEHOLDER)].map((m) => m[1]!)))].sort(),
    });
  });
  return out;
}

/**
 * follows.refresh asks the binding kind's verifying connector again before sending: the reminder
 * must follow a binding, the kind must be verified through a connector, and that connector's map
 * must name the followed field (otherwise the answer could never carry the date).
 */
function checkRefresh(kind: Binding | undefined, field: string | undefined, at: (suffix: string) => SourceRef, sink: DiagnosticSink): boolean {
  if (!kind) {
    sink.error('REMINDER_REFRESH_PUSHED', at('/follows/refresh'), '只有跟随绑定数据的提醒才能通过部门系统接口刷新日期；推送的日期由部门系统推送新日期来更新，请去掉 refresh');
    return false;
  }
  const connector = kind.verify.connector;
  if (!connector) {
    sink.error('REMINDER_REFRESH_DECLARED', at('/follows/refresh'), `绑定类型“${kind.name}”按市民填写的信息登记（declared），没有可以刷新日期的部门系统接口；请改为通过 connector 核验，或去掉 refresh`);
    return false;
  }
  if (!Object.hasOwn(connector.map ?? {}, field!)) {
    const named = Object.keys(connector.map ?? {}).join('、') || '无';
    sink.error('REMINDER_REFRESH_FIELD', at('/follows/field'), `绑定类型“${kind.name}”的核验接口不返回“${field}”（verify.connector.map 中没有这个名称；现有：${named}），无法通过接口刷新这个日期`);
    return false;
  }
  return true;
}
