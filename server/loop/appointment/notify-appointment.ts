// Confirmation and reminder template messages. A notice never fails a booking: without a
// WeChat client or a template id it is recorded in the 'notifications' log, and a WeChat error
// is recorded there too. The template id is the live account's (account.json
// notifications.appointmentTemplateId), read at send time so a publish changes it.
import type { TemplateData } from '../../wechat/index.js';
import { type LoopDeps, nowOf } from '../deps.js';
import type { Appointment } from './appointment-types.js';
import { formatSlot } from './format-slot.js';
import { channelOf, noticeText } from '../account-channel.js';

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
  /** customer-service: a text through a further account without an appointment template. */
  channel: 'template' | 'local' | 'customer-service';
  /** The account the notice went through (absent: the primary). */
  account?: string;
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

/**
 * Sends (or records) one notice at `now` (the reminder job's own clock); resolves whatever happens.
 * It goes through the account the appointment was booked through: a further account sends its own
 * appointment template when it declares one and may, else a customer-service text.
 */
export async function notifyAppointment(deps: AppointmentDeps, appt: Appointment, kind: NoticeKind, now: Date = nowOf(deps)): Promise<NotificationRecord> {
  // A closure's notice opens the 改约 page of this very appointment; the others, 我的预约.
  const url = kind === 'closed' ? rescheduleUrlOf(deps.config.publicBaseUrl, appt) : `${deps.config.publicBaseUrl}/me/appointments`;
  const data = appointmentNoticeData(appt, kind);
  const base = { at: now.toISOString(), kind: `appointment-${kind}`, openid: appt.openid, ref: appt.id, url, data, ...(appt.account !== undefined ? { account: appt.account } : {}) };
  const via = channelOf(deps, appt.account);
  const send = async (channel: NotificationRecord['channel'], templateId: string | undefined, go: () => Promise<void>): Promise<NotificationRecord> => {
    const sent = { ...base, channel, ...(templateId ? { templateId } : {}) };
    try {
      await go();
      return { ...sent, status: 'sent' };
    } catch (e) {
      return { ...sent, status: 'failed', error: (e as Error).message };
    }
  };
  let record: NotificationRecord;
  if (via.kind === 'unknown') {
    record = { ...base, channel: 'customer-service', status: 'failed', error: via.error };
  } else if (via.kind === 'sibling') {
    const { client, templates, appointmentTemplateId } = via.channel;
    if (!client) record = { ...base, channel: 'local', status: 'recorded' };
    else if (templates && appointmentTemplateId) record = await send('template', appointmentTemplateId, () => client.sendTemplate(appt.openid, appointmentTemplateId, url, data));
    else {
      const text = noticeText('预约', [appt.serviceName, `${STATUS[kind]}，预约号 ${appt.number}`, formatSlot(appt.start, appt.end), appt.hallName], url);
      record = await send('customer-service', undefined, () => client.sendText(appt.openid, text));
    }
  } else {
    const templateId = appointmentTemplateIdOf(deps);
    const client = deps.wechat;
    record = client && templateId ? await send('template', templateId, () => client.sendTemplate(appt.openid, templateId, url, data)) : { ...base, channel: 'local', status: 'recorded' };
  }
  deps.store.log<NotificationRecord>('notifications').append(record);
  return record;
}
