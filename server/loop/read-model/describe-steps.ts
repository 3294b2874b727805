// Plain-Chinese description of a service's six steps for its landing page: what each step is,
// whether it can be done online, and where to go next.
import type { BuiltService } from '../../builder/index.js';
import type { Fee, FormField, PaymentStep } from '../../model/index.js';
import { describeTypes, formatSize } from '../processing/check-attachments.js';
import { type Stage, STAGE_LABELS } from '../applications/application-types.js';

export interface StepCard {
  key: string;
  title: string;
  online: boolean;
  /** Declared at all; undeclared steps are shown as not offered. */
  offered: boolean;
  lines: string[];
  links: Array<{ label: string; url: string }>;
}

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
const optionLabel = (fields: FormField[], field: string, value: string) =>
  fields.find((f) => f.name === field)?.options?.find((o) => o.value === value)?.label ?? value;

export function describeFee(fee: Fee, fields: FormField[] = []): string {
  switch (fee.mode) {
    case 'fixed':
      return fee.amountFen === 0 ? '免费' : `收费 ${yuan(fee.amountFen)}`;
    case 'byOption':
      return `按所选项目收费：${fee.amounts.map((a) => `${optionLabel(fields, fee.field, a.value)} ${yuan(a.amountFen)}`).join('，')}`;
    case 'perUnit':
      return `按数量收费，每份 ${yuan(fee.unitFen)}${fee.maxFen !== undefined ? `，最高 ${yuan(fee.maxFen)}` : ''}`;
    case 'assessed':
      return `由工作人员受理时核定金额（最高 ${yuan(fee.maxFen)}）`;
  }
}

function paymentLines(p: PaymentStep, fields: FormField[]): string[] {
  const timing = p.fee.mode === 'assessed' || p.timing === 'after-acceptance' ? '受理后缴费' : '提交申请后先缴费，缴费后进入受理';
  return [describeFee(p.fee, fields), timing, ...(p.item ? [`收费项目：${p.item}`] : [])];
}

// The path an application normally takes; the other stages are detours shown separately.
const NORMAL_PATH: Stage[] = ['submitted', 'accepted', 'in-progress', 'completed'];
const DETOURS: Stage[] = ['not-accepted', 'supplement', 'denied'];

function progressLines(stages: Stage[]): string[] {
  const path = NORMAL_PATH.filter((x) => stages.includes(x));
  const detours = DETOURS.filter((x) => stages.includes(x));
  const paused = stages.includes('supplement') || stages.includes('suspended');
  return [
    ...(path.length ? [`办理环节：${path.map((x) => STAGE_LABELS[x]).join(' → ')}`] : []),
    ...(detours.length ? [`也可能：${detours.map((x) => STAGE_LABELS[x]).join('、')}`] : []),
    ...(paused ? ['补齐补正、挂起期间不计入承诺时限'] : []),
  ];
}

export function describeSteps(service: BuiltService): StepCard[] {
  const s = service.steps;
  const base = `/s/${service.ref}`;
  const card = (key: string, title: string, declared: unknown, online: boolean, lines: string[], links: StepCard['links']): StepCard => ({
    key, title, offered: !!declared, online: !!declared && online, lines: declared ? lines : [], links: declared ? links : [],
  });
  return [
    card('location', '① 位置服务', s.location, true, [`${service.halls.length} 个办事大厅可办理`], [{ label: '查找办事大厅', url: `${base}/halls` }]),
    card('appointment', '② 预约预检', s.appointment, !!s.appointment?.online,
      s.appointment ? [`可预约未来 ${s.appointment.horizonDays} 天`, ...(s.appointment.documents?.length ? [`需携带：${s.appointment.documents.join('、')}`] : [])] : [],
      s.appointment?.online ? [{ label: '预约', url: `${base}/book` }] : []),
    card('processing', '③ 业务办理', s.processing, !!s.processing?.online,
      s.processing
        ? [
            s.processing.timeLimitDays === 0 ? '承诺时限：即办' : `承诺时限：受理后 ${s.processing.timeLimitDays} 个工作日`,
            ...(s.processing.attachments ?? []).map((a) => `材料：${a.label}（${describeTypes(a.types)}，不超过 ${formatSize(a.maxSizeKb)}${a.required ? '，必交' : ''}）`),
          ]
        : [],
      s.processing?.online ? [{ label: '在线申请', url: `${base}/apply` }] : []),
    card('payment', '④ 线上支付', s.payment, !!s.payment?.online, s.payment ? paymentLines(s.payment, s.processing?.fields ?? []) : [], []),
    card('progress', '⑤ 进度查询', s.progress, !!s.progress?.online,
      s.progress ? progressLines(s.progress.stages) : [],
      s.progress?.online ? [{ label: '我的办件', url: '/me/applications' }] : []),
    card('rating', '⑥ 评价投诉', s.rating, !!s.rating?.online, s.rating ? ['办结后可“好差评”，差评有专人回访整改'] : [], []),
  ];
}

/** What a citizen should know before pressing 提交申请: the fee, the promised time limit, what happens next. */
export function applyNotice(service: BuiltService): { fee: string; timeLimit: string; next: string } {
  const { processing, payment } = service.steps;
  const days = processing?.timeLimitDays ?? 0;
  const timeLimit = days === 0 ? '即办：受理后当场办结' : `受理后 ${days} 个工作日内办结${service.steps.progress?.stages.some((x) => x === 'supplement' || x === 'suspended') ? '（补齐补正、挂起期间暂停计时）' : ''}`;
  if (!payment) return { fee: '免费', timeLimit, next: '提交后工作人员审核受理，办理进度会以微信消息通知您，也可在“我的办件”查看。' };
  const fee = describeFee(payment.fee, processing?.fields ?? []);
  const free = payment.fee.mode === 'fixed' && payment.fee.amountFen === 0;
  if (free) return { fee, timeLimit, next: '提交后工作人员审核受理，办理进度会以微信消息通知您，也可在“我的办件”查看。' };
  if (payment.fee.mode === 'assessed') return { fee, timeLimit, next: '提交后工作人员受理并核定费用，核定后可在“我的办件”中在线缴费。' };
  if (payment.timing === 'before-acceptance') return { fee, timeLimit, next: '提交后请先在线缴费，缴费后工作人员开始受理；进度会以微信消息通知您。' };
  return { fee, timeLimit, next: '提交后工作人员审核受理，受理后可在“我的办件”中在线缴费；进度会以微信消息通知您。' };
}
