// What a citizen sees of a build, flattened to labelled display strings per subject (the account,
// each department, hall, topic and service), so two builds compare field by field: a fee raised from
// ¥20 to ¥2,000 or a hall phone changed shows as exactly that line, old → new.
import type { AccountBuild, BuiltService } from '../builder/index.js';
import type { Fee, FormField, Steps, WeeklyHours } from '../model/index.js';
import { STAGE_LABELS } from '../loop/index.js';

export type Section = '公众号' | '部门' | '大厅' | '主题' | '服务';

export interface Subject {
  section: Section;
  /** Chinese name of the thing, e.g. 服务“护照办理”（churujing/huzhao）. */
  title: string;
  /** Field label → what a citizen reads. */
  fields: Map<string, string>;
}

const DAYS: Array<[keyof WeeklyHours, string]> = [
  ['mon', '周一'], ['tue', '周二'], ['wed', '周三'], ['thu', '周四'], ['fri', '周五'], ['sat', '周六'], ['sun', '周日'],
];

/** ¥20, ¥2,000, ¥12.50 */
export function yuan(fen: number): string {
  const value = fen / 100;
  return `¥${value.toLocaleString('en-US', { minimumFractionDigits: Number.isInteger(value) ? 0 : 2, maximumFractionDigits: 2 })}`;
}

export function formatHours(hours: WeeklyHours | undefined): string {
  if (!hours) return '';
  const parts = DAYS.map(([key, name]) => {
    const ranges = hours[key];
    return ranges?.length ? `${name} ${ranges.map((r) => `${r.open}-${r.close}`).join('、')}` : '';
  }).filter(Boolean);
  return parts.join('；') || '不开放';
}

export function formatFee(fee: Fee, fields: FormField[] = []): string {
  const option = (field: string, value: string) => fields.find((f) => f.name === field)?.options?.find((o) => o.value === value)?.label ?? value;
  switch (fee.mode) {
    case 'fixed':
      return fee.amountFen === 0 ? '免费' : yuan(fee.amountFen);
    case 'byOption':
      return `按所选项目：${fee.amounts.map((a) => `${option(fee.field, a.value)} ${yuan(a.amountFen)}`).join('，')}`;
    case 'perUnit':
      return `每份 ${yuan(fee.unitFen)}${fee.maxFen !== undefined ? `，最高 ${yuan(fee.maxFen)}` : ''}`;
    case 'assessed':
      return `受理时核定（最高 ${yuan(fee.maxFen)}）`;
  }
}

const yesNo = (v: boolean | undefined) => (v ? '是' : '否');
const list = (items: readonly string[] | undefined) => (items?.length ? items.join('、') : '无');

function put(fields: Map<string, string>, label: string, value: string | number | undefined) {
  if (value !== undefined && value !== '') fields.set(label, String(value));
}

function formFields(fields: Map<string, string>, prefix: string, form: FormField[] | undefined) {
  for (const f of form ?? []) {
    const at = `${prefix} · 字段 ${f.name}`;
    put(fields, `${at} · 名称`, f.label);
    put(fields, `${at} · 类型`, f.type);
    put(fields, `${at} · 必填`, yesNo(f.required));
    if (f.requiredWhen) {
      const values = Array.isArray(f.requiredWhen.equals) ? f.requiredWhen.equals : [f.requiredWhen.equals];
      put(fields, `${at} · 条件必填`, `当 ${f.requiredWhen.field} 为 ${values.join('/')} 时`);
    }
    put(fields, `${at} · 格式`, f.pattern);
    put(fields, `${at} · 格式说明`, f.patternMessage);
    put(fields, `${at} · 最小`, f.min);
    put(fields, `${at} · 最大`, f.max);
    if (f.options) put(fields, `${at} · 选项`, f.options.map((o) => `${o.label}(${o.value})`).join('、'));
    if (f.accept) put(fields, `${at} · 文件类型`, f.accept.join('/'));
    put(fields, `${at} · 大小上限`, f.maxSizeKb === undefined ? undefined : `${f.maxSizeKb}KB`);
    put(fields, `${at} · 说明`, f.help);
  }
}

function stepFields(fields: Map<string, string>, steps: Steps) {
  const { location, appointment: a, processing: p, payment: pay, progress, rating } = steps;
  if (location) put(fields, '位置 · 可线上', yesNo(location.online));
  if (a) {
    put(fields, '预约 · 可线上', yesNo(a.online));
    put(fields, '预约 · 时段长度', `${a.slotMinutes} 分钟`);
    put(fields, '预约 · 每时段名额', a.capacityPerSlot);
    put(fields, '预约 · 可预约天数', `${a.horizonDays} 天`);
    put(fields, '预约 · 最少提前', `${a.minNoticeHours} 小时`);
    put(fields, '预约 · 取消须提前', `${a.cancelNoticeHours} 小时`);
    put(fields, '预约 · 需带材料', list(a.documents));
    formFields(fields, '预约', a.fields);
  }
  if (p) {
    put(fields, '办理 · 可线上', yesNo(p.online));
    put(fields, '办理 · 承诺时限', `${p.timeLimitDays} 个工作日`);
    formFields(fields, '办理', p.fields);
    for (const att of p.attachments ?? []) {
      const at = `办理 · 附件 ${att.name}`;
      put(fields, `${at} · 名称`, att.label);
      put(fields, `${at} · 必填`, yesNo(att.required));
      put(fields, `${at} · 文件类型`, att.types.join('/'));
      put(fields, `${at} · 大小上限`, `${att.maxSizeKb}KB`);
    }
  }
  if (pay) {
    put(fields, '缴费 · 可线上', yesNo(pay.online));
    put(fields, '缴费 · 费用', formatFee(pay.fee, p?.fields));
    put(fields, '缴费 · 时机', pay.timing === 'before-acceptance' ? '受理前' : '受理后');
    put(fields, '缴费 · 收费项目', pay.item);
  }
  if (progress) {
    put(fields, '进度 · 可线上', yesNo(progress.online));
    put(fields, '进度 · 办理环节', progress.stages.map((s) => STAGE_LABELS[s]).join('、'));
    put(fields, '进度 · 通知模板', progress.notifyTemplateId);
  }
  if (rating) {
    put(fields, '评价 · 可线上', yesNo(rating.online));
    put(fields, '评价 · 差评整改部门', rating.badReviewDepartment);
  }
}

function serviceSubject(build: AccountBuild, s: BuiltService): Subject {
  const fields = new Map<string, string>();
  const hallName = (ref: string) => build.halls.find((h) => h.ref === ref)?.name ?? ref;
  put(fields, '名称', s.name);
  put(fields, '菜单名', s.menuName);
  put(fields, '简介', s.summary);
  put(fields, '页面地址', s.url);
  put(fields, '办理大厅', list(s.halls.map(hallName)));
  stepFields(fields, s.steps);
  return { section: '服务', title: `服务“${s.name}”（${s.ref}）`, fields };
}

/** Every subject of the build a citizen can see, keyed stably (ids, not names). */
export function citizenSubjects(build: AccountBuild): Map<string, Subject> {
  const out = new Map<string, Subject>();
  const deptName = (id: string) => build.departments.find((d) => d.id === id)?.name ?? id;
  const acc = build.account;
  const account = new Map<string, string>();
  put(account, '名称', acc.name);
  put(account, '类型', acc.type === 'service' ? '服务号' : '订阅号');
  put(account, '关注欢迎语', acc.welcome);
  put(account, '默认回复', acc.defaultReply);
  put(account, '人工客服时间', formatHours(acc.desk.hours));
  put(account, '人工客服热线', acc.desk.hotline);
  put(account, '差评整改期限', `${acc.badReviewDeadlineDays} 个工作日`);
  put(account, '节假日', list(acc.calendar.holidays));
  put(account, '调休上班日', list(acc.calendar.workdays));
  put(account, '预约通知模板', acc.notifications?.appointmentTemplateId);
  out.set('account', { section: '公众号', title: '公众号', fields: account });

  for (const d of build.departments) {
    const fields = new Map<string, string>();
    put(fields, '名称', d.name);
    put(fields, '热线', d.hotline ?? '无');
    out.set(`department:${d.id}`, { section: '部门', title: `部门“${d.name}”（${d.id}）`, fields });
  }
  for (const h of build.halls) {
    const fields = new Map<string, string>();
    put(fields, '名称', h.name);
    put(fields, '地址', h.address);
    put(fields, '区', h.district);
    put(fields, '位置', `${h.lat},${h.lng}`);
    put(fields, '电话', h.phone ?? '无');
    put(fields, '开放时间', formatHours(h.hours));
    put(fields, '闭馆日期', list(h.closedDates));
    put(fields, '每日预约上限', h.appointmentsPerDay === undefined ? '不限' : `${h.appointmentsPerDay} 个`);
    out.set(`hall:${h.ref}`, { section: '大厅', title: `大厅“${h.name}”（${deptName(h.department)}）`, fields });
  }
  for (const t of build.topics) {
    const fields = new Map<string, string>();
    const serviceName = (ref: string) => build.services.find((s) => s.ref === ref)?.name ?? ref;
    put(fields, '名称', t.name);
    put(fields, '菜单名', t.menuName);
    put(fields, '简介', t.description);
    put(fields, '牵头部门', deptName(t.lead));
    put(fields, '配合部门', list(t.cooperating.map(deptName)));
    put(fields, '服务', list(t.services.map(serviceName)));
    put(fields, '排序', t.order);
    out.set(`topic:${t.id}`, { section: '主题', title: `主题“${t.name}”（${t.id}）`, fields });
  }
  for (const s of build.services) out.set(`service:${s.ref}`, serviceSubject(build, s));
  return out;
}
