// What routing one push produces (the reply and its trace) and what it reads. Shared by
// route-message.ts and route-event.ts, so neither imports the other's types.
import type { Store } from '../store/index.js';
import type { QueryDeps } from '../query/index.js';
import type { BindingsDeps } from '../bindings/index.js';
import type { BuildIndex } from './build-index.js';
import type { RecentList } from './numbered-items.js';
import * as R from './replies.js';
import type { ReplyTemplates } from './reply-templates.js';

export type AnsweredBy = 'keyword' | 'menu' | 'location' | 'welcome' | 'help' | 'human' | 'query' | 'none';

export interface RouteTrace {
  answeredBy: AnsweredBy;
  /** Department whose rule or hall answered (or the desk's guess). */
  department?: string;
  /** Keyword text or menu key. */
  rule?: string;
  /** Plain Chinese explanation for the console's simulator. */
  reason: string;
  /** Queries: found, not-found, failed, ask, invalid or limited; never the result itself. */
  outcome?: string;
  /** Queries: table:<file> or connector:<id>. */
  source?: string;
  /** Queries: how long the lookup took. */
  queryMs?: number;
}

export interface RouteResult {
  reply: R.Reply;
  trace: RouteTrace;
}

export interface RouteContext {
  index: BuildIndex;
  store: Store;
  templates: ReplyTemplates;
  now: Date;
  /** The push's dedup key; side-effect ids derive from it. */
  key: string;
  dryRun?: boolean;
  /** Last nearby answer per openid (location_select is followed by a location message). */
  recentNearby?: Map<string, RecentNearby>;
  /** Last numbered list sent per openid, so a reply of "2" picks its second item. */
  recentLists?: Map<string, RecentList>;
  /** Told when a side effect failed but the citizen still got an answer (the health page counts it). */
  onFailure?: (kind: 'deskTicket', err: unknown) => void;
  /** Information queries; without them a query service answers with its card. */
  queries?: QueryDeps;
  /** Each citizen's last query: a bare follow-up ("3" after "限行") continues it; "人工" after a failure hands it on. */
  recentQueries?: Map<string, { service: string; at: number; outcome: string }>;
  /** Citizens' bindings: 绑定 / 解绑 in the chat, and queries run on what the citizen bound. */
  bindings?: BindingsDeps;
}

export interface RecentNearby {
  lat: number;
  lng: number;
  at: number;
}

export const CITIZEN_LOCATIONS = 'citizenLocations';

/**
 * A result, or a promise of one when the decision needs the store (desk tickets, locations).
 * Keyword answers, the hot path, come back synchronously so the gateway can skip its budget timer.
 */
export type MaybePromise<T> = T | Promise<T>;

export function none(reason: string, rule?: string): RouteResult {
  return { reply: R.NO_REPLY, trace: { answeredBy: 'none', reason, ...(rule ? { rule } : {}) } };
}
