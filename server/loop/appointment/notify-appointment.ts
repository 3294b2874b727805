// Confirmation and reminder template messages. A notice never fails a booking: without a
// WeChat client or a template id it is recorded in the 'notifications' log, and a WeChat error
// is recorded there too. The template id is the live account's (account.json
// notifications.appointmentTemplateId), read at send time so a publish changes it.
import type { TemplateData } from '../../wechat/client-types.js';
import type { LoopDeps } from '../deps.js';
import { nowOf } from '../deps.js';
import type { Appointment } from './appointment-types.js';
import { formatInstant, formatSlot } from './format-slot.js';

export type AppointmentDeps = LoopDeps;

/** The template for appointment notices (keyword1 事项, keyword2 时间, keyword3 地点), if the account declares one. */
export const appointmentTemplateIdOf = (deps: AppointmentDeps): string | undefined => deps.live.current().account.notifications?.appointmentTemplateId;

export type NoticeKind = 'confirmation' | 'rescheduled' | 'reminder';

const FIRST: Record<NoticeKind, string> = {
  confirmation: '您已预约成功，请按时到大厅办理。',
  rescheduled: '您的预约时间已变更，请按新的时间到大厅办理。',
  reminder: '温馨提醒：您明天有一个办事预约。',
};

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

export function appointmentNoticeData(appt: Appointment, kind: NoticeKind): TemplateData {
  const deadline = new Date(new Date(appt.start).getTime() - appt.cancelNoticeHours * 3600_000);
  const bring = appt.documents.length ? `请携带：${appt.documents.join('、')}。` : '';
  return {
    first: { value: FIRST[kind] },
    keyword1: { value: appt.serviceName },
    keyword2: { value: formatSlot(appt.start, appt.end) },
    keyword3: { value: `${appt.hallName}（${appt.hallAddress}）` },
    remark: { value: `预约号 ${appt.number}。${bring}如需取消或改约，请在 ${formatInstant(deadline)} 前操作。` },
  };
}

/** Sends (or records) one notice; resolves whatever happens. */
export async function notifyAppointment(deps: AppointmentDeps, appt: Appointment, kind: NoticeKind): Promise<NotificationRecord> {
  const url = `${deps.config.publicBaseUrl}/me/appointments`;
  const data = appointmentNoticeData(appt, kind);
  const base = { at: nowOf(deps).toISOString(), kind: `appointment-${kind}`, openid: appt.openid, ref: appt.id, url, data };
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
