// 预约号: YY-<city date>-<per-day sequence>, e.g. YY-20250301-0007 — short enough to read out at
// a hall window. The sequence is an atomic store counter, so concurrent bookings in any process
// never share one (a booking that fails after taking a number leaves a gap, which is harmless).
import { cityDate } from '../../calendar/index.js';
import { incrementCounter, type Store } from '../../store/index.js';

export async function nextAppointmentNumber(store: Store, now: Date): Promise<string> {
  const key = `YY-${cityDate(now).replace(/-/g, '')}`;
  const value = await incrementCounter(store, 'appointmentCounters', key);
  return `${key}-${String(value).padStart(4, '0')}`;
}
