// The notices room's front door: department pushes, the durable outbox and its worker, delivery
// events, the reminder scheduler, the citizen's 我的消息 and the delivery logs (docs/notices.md).
// Other rooms import this folder only through this file; everything else in it is private.
export { citizenMessagePhoto, listCitizenMessages, openCitizenMessage } from './citizen-messages.js';
export type { CitizenMessage } from './citizen-messages.js';
export { deliverDueNotices, startNoticeWorker } from './deliver-notices.js';
export type { DeliveryRun, NoticeWorker } from './deliver-notices.js';
export { isDeliveryEvent, recordDeliveryEvent } from './delivery-events.js';
export { deliveryCounts, listDeliveries, maskOpenid } from './delivery-log.js';
export type { DeliveryRow } from './delivery-log.js';
export { DEFAULT_NOTICES_CONFIG, STATE_NAMES, noticesOf } from './notice-types.js';
export type { BindingHolders, NoticeRecord, NoticesConfig, NoticesDeps, NoticeState, PhotoFetcher } from './notice-types.js';
export { noticeQueueOf } from './outbox.js';
export { noticeStatus, pushNotice } from './push-notice.js';
export type { NoticeStatus, Sender } from './push-notice.js';
export { createRateLimiter } from './rate-limiter.js';
export { dueOffset, planReminders, reminderNoticeId } from './plan-reminders.js';
export type { BindingPages, PlanResult } from './plan-reminders.js';
export { pushReminderDate, reminderDatesOf } from './reminder-dates.js';
export type { ReminderDate } from './reminder-dates.js';
export { startScheduler } from './scheduler.js';
export type { Scheduler } from './scheduler.js';
export { APPOINTMENT_REMINDER, appointmentReminderId } from './appointment-reminders.js';
