// The service side: the six-step funnel per service (page views → appointments → applications →
// paid → completed → rated, with the drop-off at each step the service offers), the online-ability
// matrix (which of the six steps each service really lets a citizen do online), and applications
// completed within their promised time limit (承诺时限, working days, clock stopped in 补齐补正/挂起).
import type { AccountBuild, BuiltService } from '../builder/index.js';
import { cityDate } from '../calendar/index.js';
import { clockView, type Application, type Appointment } from '../loop/index.js';
import { perDoc } from './per-doc.js';

export const STEPS = ['location', 'appointment', 'processing', 'payment', 'progress', 'rating'] as const;
export type StepName = (typeof STEPS)[number];
export const STEP_NAMES: Record<StepName, string> = {
  location: '位置服务', appointment: '预约预检', processing: '业务办理', payment: '线上支付', progress: '进度查询', rating: '评价投诉',
};

export interface FunnelRow {
  service: string;
  serviceName: string;
  views: number;
  appointments: number;
  applications: number;
  /** null when no application of the service has a fee. */
  paid: number | null;
  completed: number;
  rated: number;
  /** Which funnel steps the service offers online; the others are shown as — and skipped in the drop-off. */
  offers: { appointment: boolean; application: boolean; rating: boolean };
}

/** Per service and step: online, offered only at the hall (offline), or not offered. */
export type Ability = 'online' | 'offline' | 'none';

export interface AbilityRow {
  service: string;
  serviceName: string;
  steps: Record<StepName, Ability>;
  /** How many of the six steps are online. */
  online: number;
}

export interface OnTimeRow {
  service: string;
  serviceName: string;
  completed: number;
  onTime: number;
  late: number;
  /** Completed without an acceptance, so no clock ran. */
  noClock: number;
}

export function abilityMatrix(services: BuiltService[]): AbilityRow[] {
  return services.map((s) => {
    const steps = Object.fromEntries(STEPS.map((step) => [step, s.steps[step] ? (s.online[step] ? 'online' : 'offline') : 'none'])) as Record<StepName, Ability>;
    return { service: s.ref, serviceName: s.name, steps, online: STEPS.filter((step) => steps[step] === 'online').length };
  }).sort((a, b) => a.service.localeCompare(b.service));
}

interface FunnelInput {
  build: AccountBuild;
  /** Submitted in the range. */
  applications: readonly Application[];
  /** Slot dates in the range. */
  appointments: readonly Appointment[];
  views: Map<string, number>;
  services: BuiltService[];
}

export function funnelRows(input: FunnelInput): FunnelRow[] {
  const offered = new Map(input.services.map((s) => [s.ref, s]));
  const rows = new Map<string, FunnelRow & { fee: boolean }>();
  const row = (service: string, serviceName: string) => {
    let r = rows.get(service);
    if (!r) {
      const built = offered.get(service);
      r = {
        service, serviceName: built?.name ?? serviceName, views: 0, appointments: 0, applications: 0, paid: 0, completed: 0, rated: 0,
        offers: { appointment: !!built?.online.appointment, application: built ? built.online.processing : true, rating: built ? built.online.rating : true }, fee: false,
      };
      rows.set(service, r);
    }
    return r;
  };
  for (const [service, views] of input.views) if (offered.has(service)) row(service, service).views += views;
  for (const a of input.applications) {
    const r = row(a.service, a.serviceName);
    r.applications += 1;
    if (a.payment.state !== 'none' && a.payment.state !== 'offline') r.fee = true;
    if (a.payment.state === 'paid') r.paid! += 1;
    if (a.stage === 'completed') r.completed += 1;
    if (a.rating) r.rated += 1;
  }
  for (const p of input.appointments) row(p.service, p.serviceName).appointments += 1;
  return [...rows.values()].map(({ fee, ...r }) => ({ ...r, paid: fee ? r.paid : null })).sort((a, b) => a.service.localeCompare(b.service));
}

/**
 * The funnel's steps in order with their counts; a step the service does not offer (no online
 * appointment, no fee) is null and left out of the drop-off.
 */
export function funnelSteps(r: FunnelRow): Array<number | null> {
  const { appointment, application, rating } = r.offers;
  return [r.views, appointment ? r.appointments : null, application ? r.applications : null, application ? r.paid : null, application ? r.completed : null, application && rating ? r.rated : null];
}

/** 1 - step / previous offered step; null for the first, a skipped step, or when it is not a narrowing. */
export function dropOffs(r: FunnelRow): Array<number | null> {
  const steps = funnelSteps(r);
  let previous: number | null = null;
  return steps.map((n) => {
    if (n === null) return null;
    const drop = previous !== null && previous > 0 && n <= previous ? 1 - n / previous : null;
    previous = n;
    return drop;
  });
}

function completedAt(a: Application): string {
  for (let i = a.timeline.length - 1; i >= 0; i--) if (a.timeline[i]!.to === 'completed') return a.timeline[i]!.at;
  return a.updatedAt;
}

/** A completed application's completion instant and city date, and its clock's due date then. */
const completion = perDoc<Application, { at: string; done: string; due: string | null }>();

/** Applications completed in the range, against the due date their clock gave at completion. */
export function onTimeRows(build: AccountBuild, applications: readonly Application[], dayIn: (iso: string) => boolean): OnTimeRow[] {
  const rows = new Map<string, OnTimeRow>();
  // The city date of an instant depends only on its UTC date and hour.
  const dates = new Map<string, string>();
  const dateOf = (iso: string) => {
    const hour = iso.slice(0, 13);
    let date = dates.get(hour);
    if (date === undefined) dates.set(hour, (date = cityDate(new Date(iso))));
    return date;
  };
  // Due dates repeat (a few start dates and limits): working-day arithmetic once per pair.
  const dues = new Map<string, string | null>();
  const dueOf = (a: Application, done: string) => {
    const key = `${a.clock.startDate}|${a.clock.timeLimitDays + a.clock.pausedWorkingDays}|${a.clock.pausedSince ?? ''}`;
    if (!dues.has(key) || a.clock.pausedSince) dues.set(key, clockView(a.clock, 'in-progress', done, build.account.calendar).dueDate);
    return dues.get(key)!;
  };
  for (const a of applications) {
    if (a.stage !== 'completed') continue;
    const c = completion(a, build, () => {
      const at = completedAt(a);
      const done = dateOf(at);
      return { at, done, due: dueOf(a, done) };
    });
    if (!dayIn(c.at)) continue;
    const r = rows.get(a.service) ?? { service: a.service, serviceName: a.serviceName, completed: 0, onTime: 0, late: 0, noClock: 0 };
    rows.set(a.service, r);
    r.completed += 1;
    if (!c.due) r.noClock += 1;
    else if (c.done <= c.due) r.onTime += 1;
    else r.late += 1;
  }
  return [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
}
