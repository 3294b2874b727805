// A job the stats room runs on a timer: once after `firstMs`, then every `everyMs`. The timers never
// keep the process alive. Returns stop.
export function startPeriodic(run: () => void, firstMs: number, everyMs: number): () => void {
  const first = setTimeout(run, firstMs);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
