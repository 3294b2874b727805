// The one timer: every 30 seconds, send what is due and remind who is late. Errors are logged and
// the next tick tries again; a tick never overlaps the previous one.
import type { BroadcastDeps } from './broadcast-types.js';
import { remindDue } from './reminders.js';
import { sendDueIssues } from './send-issue.js';

export function startBroadcastTimer(deps: BroadcastDeps, intervalMs = 30_000, warn: (line: string) => void = console.warn): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await sendDueIssues(deps);
      await remindDue(deps);
    } catch (err) {
      warn(`[onestop:broadcasts] 定时任务出错：${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
