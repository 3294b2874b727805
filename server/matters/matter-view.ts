// What the citizen's progress page and the API show of a matter application: every part with its
// department, stage and what it asks (补齐补正 with the department's note, a refusal with its
// reason), the derived state, one payment over all parts, one rating. Staff see the same shape
// with their own department's parts only.
import type { AccountBuild } from '../builder/index.js';
import { NotFoundError } from '../errors.js';
import { applicationsOf, closeStoppedGroup, groupDues, STAGE_LABELS, type Application, type LoopDeps, type Viewer } from '../loop/index.js';
import type { Store } from '../store/index.js';
import { allPartsFinal, deriveMatterState, isFinal, isRefused, MATTER_STATE_LABELS, type MatterState } from './matter-state.js';
import { matterApplicationsOf, type MatterApplication } from './matter-types.js';

export interface PartView {
  no: string;
  service: string;
  serviceName: string;
  department: string;
  departmentName: string;
  lead: boolean;
  stage: Application['stage'];
  stageLabel: string;
  /** The department's latest note (what to supplement, why refused). */
  note: string | null;
  supplement: boolean;
  refused: boolean;
  /** Closed because another part of a matter that stops on refusal was refused; `note` says which. */
  terminated: boolean;
  /** The part's own re-submission form (a resubmission goes to the part that asked). */
  resubmitUrl: string | null;
  payment: Application['payment'];
}

export interface MatterPaymentView {
  /** Fen still owed and payable now, over every part. */
  dueFen: number;
  paidFen: number;
  /** Parts whose fee is not known or not due yet (assessment, acceptance). */
  pending: string[];
  /** True when every fee is known and due: one order pays them all. */
  payable: boolean;
}

export interface MatterView {
  no: string;
  matter: string;
  name: string;
  lead: string;
  leadName: string;
  submittedAt: string;
  state: MatterState;
  stateLabel: string;
  parts: PartView[];
  /** Staff: how many parts other departments handle (not who, not what). */
  otherParts?: number;
  skipped: MatterApplication['skipped'];
  payment: MatterPaymentView;
  rating: MatterApplication['rating'] | null;
  rateable: boolean;
  url: string;
}

export interface LoadedMatter {
  record: MatterApplication;
  /** Every part, in member order (also for staff: the view filters). */
  parts: Application[];
}

/** The record and its parts, if the viewer may see it; otherwise exactly like a missing number. */
export async function loadMatterApplication(store: Store, no: string, viewer: Viewer): Promise<LoadedMatter> {
  const record = await matterApplicationsOf(store).get(no);
  const missing = () => new NotFoundError(`办件不存在：${no}`, { no });
  if (!record || record.state !== 'open') throw missing();
  if (viewer.kind === 'citizen' ? record.openid !== viewer.openid : !record.parts.some((p) => p.department === viewer.department)) throw missing();
  const applications = applicationsOf(store);
  const parts = (await Promise.all(record.parts.map((p) => applications.get(p.no)))).filter((a): a is Application => !!a);
  return { record, parts };
}

/**
 * The record and its parts as loadMatterApplication gives them, after finishing a stop the loop
 * began but did not finish (a crash between the refusal and closing the other parts): a stopped
 * matter never shows a part still open. Idempotent, and a no-op for every other matter.
 */
export async function loadSettledMatter(deps: LoopDeps, no: string, viewer: Viewer): Promise<LoadedMatter> {
  const loaded = await loadMatterApplication(deps.store, no, viewer);
  const refused = loaded.parts.find((p) => p.group?.stopOnRefusal && isRefused(p.stage));
  if (!refused || loaded.parts.every((p) => isFinal(p.stage))) return loaded;
  await closeStoppedGroup(deps, refused);
  return loadMatterApplication(deps.store, no, viewer);
}

export function matterView(loaded: LoadedMatter, build: AccountBuild, viewer: Viewer): MatterView {
  const { record, parts } = loaded;
  const matter = build.matters?.find((m) => m.id === record.matter);
  const name = (id: string) => build.departments.find((d) => d.id === id)?.name ?? id;
  // The rule the citizen submitted under (older records: the matter's current rule).
  const stops = parts.some((p) => p.group?.stopOnRefusal) || matter?.onRefusal === 'stop';
  const state = deriveMatterState(parts.map((p) => p.stage), stops ? 'stop' : 'continue');
  const visible = viewer.kind === 'citizen' ? parts : parts.filter((p) => p.department === viewer.department);
  const views = visible.map<PartView>((p) => {
    const last = p.timeline[p.timeline.length - 1];
    return {
      no: p.no,
      service: p.service,
      serviceName: p.serviceName,
      department: p.department,
      departmentName: name(p.department),
      lead: p.department === record.lead,
      stage: p.stage,
      stageLabel: STAGE_LABELS[p.stage],
      note: last && last.actor.kind !== 'citizen' ? (last.note ?? null) : null,
      supplement: p.stage === 'supplement',
      refused: isRefused(p.stage),
      terminated: p.stage === 'terminated',
      resubmitUrl: p.stage === 'supplement' ? `/s/${p.service}/apply?resubmit=${encodeURIComponent(p.no)}` : null,
      payment: p.payment,
    };
  });
  return {
    no: record.no,
    matter: record.matter,
    name: record.name,
    lead: record.lead,
    leadName: name(record.lead),
    submittedAt: record.submittedAt,
    state,
    stateLabel: MATTER_STATE_LABELS[state],
    parts: views,
    ...(viewer.kind === 'staff' ? { otherParts: parts.length - visible.length } : {}),
    skipped: viewer.kind === 'citizen' ? record.skipped : [],
    payment: paymentSummary(viewer.kind === 'citizen' ? parts : visible),
    rating: record.rating ?? null,
    rateable: viewer.kind === 'citizen' && !record.rating && allPartsFinal(parts.map((p) => p.stage)),
    url: `/me/matters/${encodeURIComponent(record.no)}`,
  };
}

export function paymentSummary(parts: Application[]): MatterPaymentView {
  const { due, pending, paid } = groupDues(parts);
  const sum = (list: Application[]) => list.reduce((n, p) => n + (p.payment.amountFen ?? 0), 0);
  const dueFen = sum(due);
  return { dueFen, paidFen: sum(paid), pending: pending.map((p) => p.no), payable: dueFen > 0 && pending.length === 0 };
}
