// Confirmation and reminder template messages. A notice never fails a booking: without a
// WeChat client or a template id it is recorded in the 'notifications' log, and a WeChat error
// is recorded there too. The template id is the live account's (account.json
// notifications.appointmentTemplateId), read at send time so a publish changes it.
import { cityDate } from '../../calendar/index.js';
import type { TemplateData } from '../../wechat/index.js';
import { type LoopDeps, nowOf } from '../deps.js';
import type { Appointment } from './appointment-types.js';
import { formatInstant, formatSlot } from './format-slot.js';

export type AppointmentDeps = LoopDeps;

/** The template for appointment notices (keyword1 事项, keyword2 时间, keyword3 地点), if the account declares one. */
export const appointmentTemplateIdOf = (deps: AppointmentDeps): string | undefined => deps.live.current().account.notifications?.appointmentTemplateId;

export type NoticeKind = 'confirmation' | 'rescheduled' | 'cancelled' | 'reminder' | 'closed';

const FIRST: Record<Exclude<NoticeKind, 'reminder'>, string> = {
  confirmation: '您已预约成功，请按时到大厅办理。',
  rescheduled: '您的预约时间已变更，请按新的时间到大厅办理。',
  cancelled: '您的预约已取消。',
  closed: '大厅临时闭厅，您预约的时段无法办理，请改约其他时间。',
};

// The reminder normally goes out the day before; when the server was down then, the catch-up
// sends it on the slot's own day, and "明天" would then send the citizen a day late.
function firstLine(appt: Appointment, kind: NoticeKind, now: Date): string {
  if (kind !== 'reminder') return FIRST[kind];
  return `温馨提醒：您${appt.date === cityDate(now) ? '今天' : '明天'}有一个办事预约。`;
}

function remark(appt: Appointment, kind: NoticeKind): string {
  if (kind === 'cancelled') return `预约号 ${appt.number}。如仍需办理，请重新预约。`;
  if (kind === 'closed') return `预约号 ${appt.number}。闭厅原因：${appt.closedBy?.reason ?? ''}。点击详情改约，不受改约期限限制。`;
  const deadline = new Date(new Date(appt.start).getTime() - appt.cancelNoticeHours * 3600_000);
  const bring = appt.documents.length ? `请携带：${appt.documents.join('、')}。` : '';
  return `预约号 ${appt.number}。${bring}如需取消或改约，请在 ${formatInstant(deadline)} 前操作。`;
}

/** The booking page opened on this appointment for 改约. */
export const rescheduleUrlOf = (base: string, appt: Pick<Appointment, 'service' | 'id'>) => `${base}/s/${appt.service}/book?reschedule=${encodeURIComponent(appt.id)}`;

export interface NotificationRecord {
  at: string;
  kind: string;
  openid: string;
  ref: string;
  channel: 'template' | 'local';
  status: 'sent' | 'recorded' | 'failed';
  templateId?: string;
  url: string;
  data: TemplateData;
  error?: string;
}

/** The template fields of a notice sent at `now`. */
export function appointmentNoticeData(appt: Appointment, kind: NoticeKind, now: Date): TemplateData {
  return {
    first: { value: firstLine(appt, kind, now) },
    keyword1: { value: appt.serviceName },
    keyword2: { value: formatSlot(appt.start, appt.end) },
    keyword3: { value: `${appt.hallName}（${appt.hallAddress}）` },
    remark: { value: remark(appt, kind) },
  };
}

/** Sends (or records) one notice at `now` (the reminder job's own clock); resolves whatever happens. */
export async function notifyAppointment(deps: AppointmentDeps, appt: Appointment, kind: NoticeKind, now: Date = nowOf(deps)): Promise<NotificationRecord> {
  // A closure's notice opens the 改约 page of this very appointment; the others, 我的预约.
  const url = kind === 'closed' ? rescheduleUrlOf(deps.config.publicBaseUrl, appt) : `${deps.config.publicBaseUrl}/me/appointments`;
  const data = appointmentNoticeData(appt, kind, now);
  const base = { at: now.toISOString(), kind: `appointment-${kind}`, openid: appt.openid, ref: appt.id, url, data };
  const templateId = appointmentTemplateIdOf(deps);
  let record: NotificationRecord;
  if (deps.wechat && templateId) {
    try {
      await deps.wechat.sendTemplate(appt.openid, templateId, url, data);
      record = { ...base, channel: 'template', status: 'sent', templateId };
    } catch (e) {
      record = { ...base, channel: 'template', status: 'failed', templateId, error: (e as Error).message };
    }
  } else {
    record = { ...base, channel: 'local', status: 'recorded' };
  }
  deps.store.log<NotificationRecord>('notifications').append(record);
  return record;
}
