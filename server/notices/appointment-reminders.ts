// The appointment reminder, on the scheduler: one reminder per booked appointment, from the
// morning of the city day before its slot (or, after downtime, on its own day before it starts);
// none for an appointment booked or moved on the slot's own day (the confirmation said it all).
// The id follows the appointment and its start, so a moved appointment is reminded of its new
// time and a repeated pass never sends twice. Appointments the old reminder timer already
// reminded (remindedAt) are left alone, and so is a slot the hall closed (闭厅): its citizen was told to move it.
import { createHash } from 'node:crypto';
import { addDays, cityDate, cityInstant } from '../calendar/index.js';
import { type Appointment, appointmentsOf, formatSlot } from '../loop/index.js';
import { quietHoursOf } from './deliver-notices.js';
import type { NoticeRecord, NoticesDeps } from './notice-types.js';
import { enqueueNotices } from './outbox.js';

export const APPOINTMENT_REMINDER = 'appointment/reminder';

const cut = (s: string) => ([...s].length > 20 ? `${[...s].slice(0, 19).join('')}…` : s);

export const appointmentReminderId = (a: Pick<Appointment, 'id' | 'start'>) => `a-${createHash('sha256').update(`${a.id}\n${a.start}`).digest('hex').slice(0, 32)}`;

export async function planAppointmentReminders(deps: NoticesDeps, now: Date, seen: Set<string>): Promise<number> {
  const today = cityDate(now);
  const appointments = appointmentsOf(deps.store);
  const candidates = [...(await appointments.findBy('date', today)), ...(await appointments.findBy('date', addDays(today, 1)))].filter(
    (a) => a.status === 'booked' && !a.closedBy && !a.remindedAt && new Date(a.start).getTime() > now.getTime() && cityDate(new Date(a.updatedAt)) < a.date,
  );
  const templateId = deps.live.current().account.notifications?.appointmentTemplateId;
  const quietEnd = quietHoursOf(deps).end;
  const at = now.toISOString();
  const items = candidates
    .filter((a) => !seen.has(appointmentReminderId(a)))
    .map((a) => {
      const id = appointmentReminderId(a);
      // Booked through another account: its openid is that account's, and so is the template id.
      const account = a.account;
      const other = account && account !== deps.live.current().account.id && deps.accountOf ? account : undefined;
      const ownTemplate = other ? accountTemplateId(deps, other) : templateId;
      // Since 2023-05-04 WeChat shows no first/remark line: 事项, 时间, 地点, each at most 20 characters.
      const data = { keyword1: { value: cut(a.serviceName) }, keyword2: { value: cut(formatSlot(a.start, a.end)) }, keyword3: { value: cut(a.hallName) } };
      const record: NoticeRecord = {
        id,
        source: 'appointment',
        department: a.department,
        notice: APPOINTMENT_REMINDER,
        title: '预约提醒',
        openid: a.openid,
        ...(other ? { account: other } : {}),
        fields: [
          { label: '预约事项', value: data.keyword1.value },
          { label: '预约时间', value: data.keyword2.value },
          { label: '办理地点', value: `${a.hallName}（${a.hallAddress}）` },
        ],
        wechat: ownTemplate ? { template: { templateId: ownTemplate, data } } : {},
        url: `${deps.publicBaseUrl}/me/appointments`,
        state: 'queued',
        attempts: 0,
        history: [{ at, state: 'queued', note: `预约 ${a.number} 的提醒` }],
        createdAt: at,
      };
      return { record, runAt: Math.max(now.getTime(), cityInstant(addDays(a.date, -1), quietEnd).getTime()) };
    });
  const planned = await enqueueNotices(deps.store, items, now.getTime());
  for (const { record } of items) seen.add(record.id);
  return planned;
}

/** That account's appointment template, if it has one (a subscription account has none: 我的消息 only). */
function accountTemplateId(deps: NoticesDeps, account: string): string | undefined {
  try {
    return deps.accountOf!(account).build.account.notifications?.appointmentTemplateId;
  } catch {
    return undefined;
  }
}
