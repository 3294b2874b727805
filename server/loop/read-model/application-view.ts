// What the API and the H5 page show of an application: labels, the computed clock, what the
// citizen can do next. Stored file ids become URLs; the citizen's openid stays out of staff views.
import { cityDate } from '../../calendar/index.js';
import type { AccountBuild } from '../../builder/index.js';
import { clockView, type ClockView } from '../progress/clock.js';
import { FINAL_STAGES, nextStages } from '../progress/transitions.js';
import { STAGE_LABELS, type Actor, type Application } from '../applications/application-types.js';
import { paymentBlocker } from '../payment/payment-rules.js';

export interface ApplicationView extends Omit<Application, 'id' | 'openid' | 'clock' | 'attachments'> {
  stageLabel: string;
  clock: ClockView;
  attachments: Array<Application['attachments'][number] & { url: string }>;
  timeline: Array<Application['timeline'][number] & { toLabel: string; fromLabel: string | null }>;
  payable: boolean;
  paymentBlocker: string | null;
  rateable: boolean;
  /** Staff only: where the application may go next. */
  nextStages?: string[];
}

/**
 * The citizen's own id is not the staff's business ("申请人" says enough), and console usernames
 * are not the citizen's: to them the department acted. Staff still see which colleague did it.
 */
function actorView(actor: Actor, departmentName: string, forStaff: boolean): Actor {
  if (actor.kind === 'citizen') return { kind: 'citizen', name: '申请人' };
  if (actor.kind === 'staff' && !forStaff) return { kind: 'staff', name: departmentName };
  return actor;
}

export function applicationView(app: Application, build: AccountBuild, now: Date, forStaff = false): ApplicationView {
  const { id: _id, openid: _openid, clock, attachments, timeline, ...rest } = app;
  const service = build.services.find((s) => s.ref === app.service);
  const departmentName = build.departments.find((d) => d.id === app.department)?.name ?? app.department;
  const blocker = paymentBlocker(app);
  const base = `/api/applications/${encodeURIComponent(app.no)}/files/`;
  return {
    ...rest,
    stageLabel: STAGE_LABELS[app.stage],
    clock: clockView(clock, app.stage, cityDate(now), build.account.calendar),
    attachments: attachments.map((a) => ({ ...a, url: base + a.id })),
    timeline: timeline.map((t) => ({
      ...t,
      actor: actorView(t.actor, departmentName, forStaff),
      toLabel: STAGE_LABELS[t.to],
      fromLabel: t.from ? STAGE_LABELS[t.from] : null,
    })),
    payable: blocker === null,
    paymentBlocker: blocker,
    rateable: !app.group && !app.rating && FINAL_STAGES.includes(app.stage) && !!service?.steps.rating?.online,
    ...(forStaff ? { nextStages: nextStages(app.stage, service?.steps.progress?.stages ?? Object.keys(STAGE_LABELS) as never, !!app.acceptedAt).filter((s) => s !== 'submitted') } : {}),
  };
}
