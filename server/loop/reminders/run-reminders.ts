// Reminder job: each booked appointment gets one reminder on the city day before its slot
// (or, if the server was down then, on its own day before it starts); appointments booked on
// the slot's own day get none. remindedAt is set in the
// same store update that claims the reminder, so reruns and overlapping timers never send twice.
import { addDays, cityDate } from '../../calendar/index.js';
import { appointmentsOf } from '../appointment/appointment-types.js';
import { type AppointmentDeps, notifyAppointment } from '../appointment/notify-appointment.js';
import { nowOf } from '../deps.js';

export async function runReminders(deps: AppointmentDeps, now: Date = nowOf(deps)): Promise<number> {
  const appointments = appointmentsOf(deps.store);
  const today = cityDate(now);
  const due = [...(await appointments.findBy('date', today)), ...(await appointments.findBy('date', addDays(today, 1)))].filter(
    // Booked (or moved) on the slot's own day: the confirmation just said it all.
    // A slot the hall closed (闭厅) is not reminded: the citizen was told to move it.
    (a) => a.status === 'booked' && !a.closedBy && !a.remindedAt && new Date(a.start).getTime() > now.getTime() && cityDate(new Date(a.updatedAt)) < a.date,
  );
  let sent = 0;
  for (const candidate of due) {
    let claimed = false;
    const appt = await appointments.update(candidate.id, (a) => {
      if (a.remindedAt || a.status !== 'booked' || a.closedBy || a.start !== candidate.start) return a;
      claimed = true;
      return { ...a, remindedAt: now.toISOString() };
    });
    if (!claimed) continue;
    await notifyAppointment(deps, appt, 'reminder', now);
    sent++;
  }
  return sent;
}

/** Runs the job every intervalMs (default 10 minutes); unref'd so it never keeps the process up. */
export function startReminderTimer(deps: AppointmentDeps, intervalMs = 10 * 60_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    runReminders(deps)
      .catch((e) => console.error('[onestop] 预约提醒任务失败', e))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
