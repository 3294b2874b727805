// Clock times of opening hours ("HH:MM", 24-hour, "24:00" for midnight at the end of the day;
// schemas/common.schema.json checks the format) and minutes since midnight.

/** "09:30" -> 570, "24:00" -> 1440. */
export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** 570 -> "09:30", 1440 -> "24:00". */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
