// Confirmation and reminder template messages. A notice never fails a booking: without a
// WeChat client or a template id it is recorded in the 'notifications' log, and a WeChat error
// is recorded there too. The template id is the live account's (account.json
// notifications.appointmentTemplateId), read at send time so a publish changes it.
import type { TemplateData } from '../../wechat/index.js';
import { type LoopDeps, nowOf } from '../deps.js';
import type { Appointment } from './appointment-types.js';
import { formatSlot } from './format-slot.js';

export type AppointmentDeps = LoopDeps;

/** The template for appointment notices (keyword1 事项, keyword2 时间, keyword3 地点), if the account declares one. */
export const appointmentTemplateIdOf = (deps: AppointmentDeps): string | undefined => deps.live.current().account.notifications?.appointmentTemplateId;

export type NoticeKind = 'confirmation' | 'rescheduled' | 'cancelled' | 'reminder' | 'closed' | 'reopened';

/**
 * What happened and the appointment number (shown at the hall), in keyword4. WeChat's template
 * rules since 2023-05-04 show no first/remark line, allow no line breaks and at most 20 characters
 * a field, so the rest (what to bring, until when the citizen may cancel, why the hall closed) is
 * on the page the notice opens.
 */
const STATUS: Record<NoticeKind, string> = {
  confirmation: '已预约',
  rescheduled: '已改约',
  cancelled: '已取消',
  reminder: '待办理',
  closed: '请改约',
  reopened: '照常办理',
};

/** At most 20 characters, as WeChat counts them. */
const cut = (s: string) => ([...s].length > 20 ? `${[...s].slice(0, 19).join('')}…` : s);

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

/** The template fields of a notice: 事项, 时间, 地点, what happened. */
export function appointmentNoticeData(appt: Appointment, kind: NoticeKind): TemplateData {
  return {
    keyword1: { value: cut(appt.serviceName) },
    keyword2: { value: cut(formatSlot(appt.start, appt.end)) },
    keyword3: { value: cut(appt.hallName) },
    keyword4: { value: cut(`${STATUS[kind]} ${appt.number}`) },
  };
}

/** Sends (or records) one notice at `now` (the reminder job's own clock); resolves whatever happens. */
export async function notifyAppointment(deps: AppointmentDeps, appt: Appointment, kind: NoticeKind, now: Date = nowOf(deps)): Promise<NotificationRecord> {
  // A closure's notice opens the 改约 page of this very appointment; the others, 我的预约.
  const url = kind === 'closed' ? rescheduleUrlOf(deps.config.publicBaseUrl, appt) : `${deps.config.publicBaseUrl}/me/appointments`;
  const data = appointmentNoticeData(appt, kind);
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
