// What the workbench pages show: records turned into labelled, city-time rows. No HTML here;
// the templates escape every value.
import type { AccountBuild } from '../builder/index.js';
import { type Application, applicationView, type CaseStatus, type CaseView, cityTime, departmentName, levelLabel, NOTE_REQUIRED, type Stage, STAGE_LABELS } from '../loop/index.js';
import { TICKET_STATUS_NAMES, type WorkTicket } from './desk-tickets.js';
import { applicationAnswers } from './department-applications.js';
import { ticketTiming } from './ticket-timing.js';

export const at = (iso: string | undefined) => (iso ? cityTime(new Date(iso)) : '');

/** Enough to tell two citizens apart in a list; the full openid is nobody's business on screen. */
export const maskOpenid = (openid: string) => (openid.length > 6 ? `…${openid.slice(-6)}` : openid);

export function ticketRow(ticket: WorkTicket, build: AccountBuild, now: Date) {
  return {
    id: ticket.id,
    text: ticket.text,
    msgType: ticket.msgType,
    status: ticket.status,
    statusName: TICKET_STATUS_NAMES[ticket.status],
    department: ticket.department,
    departmentName: ticket.department ? departmentName(build, ticket.department) : '未分派（平台分派）',
    topicName: ticket.topic ? build.topics.find((t) => t.id === ticket.topic)?.name : undefined,
    citizen: maskOpenid(ticket.openid),
    /** The conversation's later messages (the first is `text`). */
    more: (ticket.messages ?? []).map((m) => ({ when: at(m.at), text: m.text })),
    simulated: ticket.simulated === true,
    createdAt: at(ticket.createdAt),
    answeredAt: at(ticket.answeredAt),
    answeredBy: ticket.answeredBy,
    timing: ticketTiming(build.account, ticket, now),
  };
}

export function ticketHistory(ticket: WorkTicket, build: AccountBuild) {
  const name = (d?: string) => (d ? departmentName(build, d) : '未分派');
  const replies = (ticket.replies ?? []).map((r) => ({ at: r.at, when: at(r.at), by: r.by, what: r.sent ? '回复市民' : '回复未送达', text: r.text, error: r.error, failed: !r.sent }));
  const events = (ticket.events ?? []).map((e) => ({
    at: e.at,
    when: at(e.at),
    by: e.by,
    what: e.kind === 'assigned' ? `转派：${name(e.from)} → ${name(e.to)}` : '关闭（未回复）',
    text: e.reason,
    error: undefined,
    failed: false,
  }));
  return [...replies, ...events].sort((a, b) => a.at.localeCompare(b.at));
}

export interface StageCount {
  stage: Stage;
  label: string;
  count: number;
  active: boolean;
}

export function stageCounts(apps: Application[], active: string): StageCount[] {
  return (Object.keys(STAGE_LABELS) as Stage[]).map((stage) => ({ stage, label: STAGE_LABELS[stage], count: apps.filter((a) => a.stage === stage).length, active: stage === active }));
}

export function applicationRow(app: Application, build: AccountBuild, now: Date) {
  const view = applicationView(app, build, now, true);
  return { ...view, departmentName: departmentName(build, app.department), submitted: at(app.submittedAt) };
}

/** The detail page: the loop's staff view with console download links and the move choices. */
export function applicationDetail(app: Application, build: AccountBuild, now: Date, maxFen: number | undefined) {
  const view = applicationView(app, build, now, true);
  const service = build.services.find((s) => s.ref === app.service);
  const next = (view.nextStages ?? []) as Stage[];
  return {
    ...view,
    departmentName: departmentName(build, app.department),
    submitted: at(app.submittedAt),
    answers: applicationAnswers(app, service),
    attachments: view.attachments.map((a) => {
      const url = `/console/work/applications/${encodeURIComponent(app.no)}/files/${a.id}`;
      return { ...a, url, previewUrl: ['png', 'jpg', 'pdf'].includes(a.ext) ? `${url}/preview` : undefined, kb: Math.max(1, Math.round(a.size / 1024)) };
    }),
    timeline: view.timeline.map((t) => ({ ...t, when: at(t.at) })),
    moves: next.map((s) => ({ stage: s, label: STAGE_LABELS[s], noteRequired: NOTE_REQUIRED.includes(s), final: FINAL_STAGES.includes(s) })),
    assess: app.payment.state === 'awaiting-assessment' && next.includes('accepted'),
    terminatedReason: app.stage === 'terminated' ? (app.timeline[app.timeline.length - 1]?.note ?? '') : undefined,
    refund: app.payment.refund ? { ...app.payment.refund, done: app.payment.refund.state === 'done', when: app.payment.refund.doneAt ? at(app.payment.refund.doneAt) : undefined } : undefined,
    maxYuan: maxFen === undefined ? undefined : (maxFen / 100).toFixed(2),
  };
}

/** Moves that cannot be undone (办结, 不予许可, 不予受理): the page asks before sending them. */
const FINAL_STAGES: readonly Stage[] = ['completed', 'denied', 'not-accepted'];

export const CASE_STATUS_NAMES: Readonly<Record<CaseStatus, string>> = { open: '待整改', resolved: '已反馈，待市民评价', closed: '市民已评价', 'appeal-upheld': '申诉成立，已结案' };

const APPEAL_STATUS_NAMES = { pending: '待平台复核', upheld: '申诉成立', rejected: '申诉不成立' } as const;

export function caseRow(c: CaseView, build: AccountBuild) {
  const note = (n: { at: string; actor: { name: string }; note: string }) => ({ when: at(n.at), by: n.actor.name, note: n.note });
  return {
    ...c,
    levelName: levelLabel(c.level),
    statusName: CASE_STATUS_NAMES[c.status],
    departmentName: departmentName(build, c.department),
    handlingName: departmentName(build, c.handlingDepartment),
    opened: at(c.openedAt),
    callbackNotes: c.callbacks.map(note),
    resolutionNote: c.resolution && { ...note(c.resolution), kindName: c.resolution.kind === 'fixed' ? '整改' : '解释说明' },
    appealNote: c.appeal && { ...note(c.appeal), statusName: APPEAL_STATUS_NAMES[c.appeal.status] },
    appealDecision: c.appeal?.decision && note(c.appeal.decision),
    citizenLevel: c.citizenRating && levelLabel(c.citizenRating.level),
  };
}
