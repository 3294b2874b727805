// 预约号: YY-<city date>-<per-day sequence>, e.g. YY-20250301-0007 — short enough to read out at
// a hall window. The sequence is taken under a store lock so concurrent bookings never share one.
import { cityDate } from '../../calendar/index.js';
import type { Store } from '../../store/index.js';

interface Counter {
  id: string;
  value: number;
}

export async function nextAppointmentNumber(store: Store, now: Date): Promise<string> {
  const key = `YY-${cityDate(now).replace(/-/g, '')}`;
  const counters = store.collection<Counter>('appointmentCounters');
  return store.withLock(`appointment-number:${key}`, async () => {
    const value = ((await counters.get(key))?.value ?? 0) + 1;
    await counters.put({ id: key, value });
    return `${key}-${String(value).padStart(4, '0')}`;
  });
}
