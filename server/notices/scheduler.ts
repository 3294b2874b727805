// The durable scheduler: plans reminders every planEveryMs (and at once on start-up, which is
// the catch-up after downtime) and runs the outbox worker. Everything it decides lives in the
// store (notices and their jobs under deterministic ids), so a restart or kill -9 loses nothing
// and sends nothing twice; several processes on PostgreSQL plan the same ids and share the jobs.
import { startNoticeWorker, type NoticeWorker } from './deliver-notices.js';
import { configOf, type NoticesDeps } from './notice-types.js';
import { type BindingPages, type PlanResult, planReminders } from './plan-reminders.js';

export interface Scheduler {
  /** One planning pass now (tests, benches, the console). */
  plan(): Promise<PlanResult>;
  worker: NoticeWorker;
  stop(): Promise<void>;
}

export function startScheduler(deps: NoticesDeps, options: { bindingPages?: BindingPages; worker?: boolean } = {}): Scheduler {
  const config = configOf(deps);
  const warn = deps.warn ?? ((line: string) => console.warn(line));
  const seen = new Set<string>();
  let planning: Promise<PlanResult> | undefined;
  const plan = () =>
    (planning ??= planReminders(deps, { seen, ...(options.bindingPages ? { bindingPages: options.bindingPages } : {}) }).finally(() => (planning = undefined)));
  let passes = 0;
  // A pass that asked departments' systems reports even when it planned nothing (a moved date plans nothing).
  const asked = (r: PlanResult) => r.refresh.refreshed + r.refresh.gone + r.refresh.failed > 0;
  // The first pass (the catch-up after start-up) always reports; later ones only when they plan something.
  const tick = () =>
    void plan()
      .then((r) => {
        if (passes++ > 0 && !r.planned && !asked(r)) return;
        warn(`[onestop:notices] 提醒规划：查看 ${r.considered} 个日期，到期 ${r.due} 条，新安排 ${r.planned} 条，用时 ${r.ms} ms（CPU ${r.cpuMs} ms）${r.invalid ? `；${r.invalid} 条数据不符合模板规则，未发送` : ''}${refreshLine(r)}`);
      })
      .catch((e: Error) => warn(`[onestop:notices] 安排提醒时出错：${e.message}`));
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, config.planEveryMs);
  first.unref();
  timer.unref();
  const worker = options.worker === false ? { stop: async () => {}, drain: async () => ({ claimed: 0, sent: 0, deferred: 0, failed: 0 }) } : startNoticeWorker(deps);
  return {
    plan,
    worker,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await planning?.catch(() => undefined);
      await worker.stop();
    },
  };
}

/** The refresh part of the planning line (follows.refresh): counts only, nothing personal. */
function refreshLine(r: PlanResult): string {
  const t = r.refresh;
  if (!t.refreshed && !t.gone && !t.failed && !t.deferred) return '';
  const parts = [`经部门系统刷新到期日 ${t.refreshed} 个（其中 ${t.moved} 个日期已变）`];
  if (t.gone) parts.push(`${t.gone} 个绑定部门系统已查不到，不再提醒`);
  if (t.failed) parts.push(`${t.failed} 个未能刷新，按已登记的日期提醒`);
  if (t.deferred) parts.push(`${t.deferred} 个留待下一轮刷新`);
  return `；${parts.join('，')}`;
}
