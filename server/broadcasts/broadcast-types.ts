// The records of broadcasts (群发): one issue per account and date, its articles by column, the
// approvals of its review chain, previews, and how it went out. Stats counts reach from
// `delivery.outcome` (docs/broadcasts.md has the record shape).
import type { Broadcasts, ChainStep, ConnectorSource } from '../model/index.js';
import type { BroadcastApi } from '../wechat/index.js';
import type { Doc, Store } from '../store/index.js';

export type { Broadcasts, ChainStep };

/** Where a recurring column's template takes its values: a call to a department's system (a connector). */
export type TemplateSource = ConnectorSource;

/**
 * The values a template source gives for one issue date (its `map` names → values), or why it gave
 * none (plain Chinese: timeout, not found…). Built over the connectors room by the composition root.
 */
export type TemplateValues = (source: TemplateSource, date: string) => Promise<{ values: Record<string, unknown> } | { failed: string }>;

/** Who acts, as the console knows them. */
export interface Actor {
  username: string;
  role: 'platform' | 'dept-admin' | 'staff';
  departments: string[];
}

/** One account that broadcasts: its id (the key of every record), name, type and configuration. */
export interface BroadcastAccount {
  id: string;
  name: string;
  type: 'service' | 'subscription';
  /** 微信认证: an unverified account cannot mass-send (server/capabilities). */
  verified: boolean;
  config: Broadcasts;
}

export interface Cover {
  /** 32 hex characters: the image's id in the broadcast image store. */
  id: string;
  ext: 'jpg' | 'png';
  mime: string;
  size: number;
  name: string;
}

/** What a column owner writes. Body is HTML already passed through the sanitizer. */
export interface ArticleFields {
  title: string;
  author: string;
  digest: string;
  body: string;
  sourceUrl: string;
  comments: boolean;
  cover?: Cover;
}

export interface BroadcastArticle extends ArticleFields {
  column: string;
  /** How many times this article was saved (its revisions are 1..n). */
  revisions: number;
  updatedAt: string;
  updatedBy: string;
}

export interface Approval {
  step: string;
  user: string;
  at: string;
  /** The issue revision the person saw. */
  revision: number;
  /** Set when an edit or a rejection voided it; kept for the record. */
  invalidatedAt?: string;
  invalidatedBy?: string;
}

export interface Rejection {
  step: string;
  user: string;
  at: string;
  comment: string;
  revision: number;
}

export interface PreviewRecord {
  user: string;
  revision: number;
  at: string;
  ok: boolean;
  error?: string;
}

export type IssueState = 'open' | 'scheduled' | 'sending' | 'sent' | 'published' | 'failed';

export interface SendAttempt {
  at: string;
  by: string;
  ok: boolean;
  /** The Chinese error, when WeChat refused or did not answer. */
  error?: string;
  errcode?: number;
}

export interface Outcome {
  at: string;
  /** MASSSENDJOBFINISH Status ("send success", "send fail", "err(20001)"…) or PUBLISHJOBFINISH publish_status. */
  status: string;
  ok: boolean;
  totalCount?: number;
  filterCount?: number;
  sentCount?: number;
  errorCount?: number;
  articleUrls: string[];
}

export interface Delivery {
  mode: 'sendall' | 'openids' | 'publish';
  /** The WeChat draft of one revision (draft/add), reused by previews and the send of that revision. */
  draft?: { revision: number; mediaId: string; at: string };
  /** Permanent material ids of covers already uploaded, by cover id. */
  coverMedia: Record<string, string>;
  /** uploadimg URLs of body images already uploaded, by image id. */
  bodyImages: Record<string, string>;
  /** Same for every retry of one revision, so WeChat never sends it twice. */
  clientmsgid?: string;
  msgId?: string;
  msgDataId?: string;
  publishId?: string;
  /** When the current (or last) send began: set as the issue enters `sending`. */
  sendingSince?: string;
  /**
   * A send that may have reached WeChat without us learning it: cut short by a crash (reconcile.ts)
   * or unanswered (timeout). `since` is when that send began. A retry within WeChat's 24 h
   * clientmsgid window cannot send twice; later, staff confirm on WeChat's console that it did not
   * go out. Cleared when a send succeeds. `revision`: the issue revision that send carried (absent
   * in records from before it was kept); an edit since then keeps the clientmsgid, so the edited
   * issue still cannot broadcast twice, but a publish would submit a new draft (see send-issue.ts).
   */
  unknownOutcome?: { since: string; why: 'interrupted' | 'no-answer'; revision?: number };
  attempts: SendAttempt[];
  outcome?: Outcome;
}

export interface BroadcastIssue extends Doc {
  account: string;
  /** City date of the issue, YYYY-MM-DD. */
  date: string;
  /** Column ids of this issue in order (the columns that appear on its weekday). */
  columns: string[];
  articles: Record<string, BroadcastArticle>;
  /** +1 on every saved edit. */
  revision: number;
  approvals: Approval[];
  rejection?: Rejection;
  previews: PreviewRecord[];
  /** ISO instants. */
  sendAt: string;
  deadlineAt: string;
  state: IssueState;
  delivery: Delivery;
  /** Reminders already given: "<step>|<user>|<revision>". */
  reminded: string[];
  createdAt: string;
  createdBy: string;
}

/** One saved version of one article, for the revision list and diffs. */
export interface ArticleRevision extends Doc {
  issue: string;
  column: string;
  n: number;
  issueRevision: number;
  at: string;
  by: string;
  fields: ArticleFields;
}

export interface BroadcastNotice extends Doc {
  user: string;
  issue: string;
  step: string;
  at: string;
  text: string;
}

/** Cover and body images, by id: the city's blob store in production (images.ts), memory in tests. */
export interface BroadcastImages {
  /** Stores the file at `from` (an upload's temporary file; it may be moved). */
  putFile(id: string, from: string): Promise<void>;
  put(id: string, bytes: Buffer): Promise<void>;
  /** NotFoundError (图片不存在) for an unknown id. */
  get(id: string): Promise<Buffer>;
}

export interface BroadcastDeps {
  store: Store;
  /** The broadcasting accounts of the live build. */
  accounts: () => BroadcastAccount[];
  images: BroadcastImages;
  /** WeChat's broadcast calls for one account; undefined = nothing can be previewed or sent. */
  wechat: (account: string) => BroadcastApi | undefined;
  /** Values for recurring columns filled from a department's system; absent: their blanks stay for the owner. */
  templateValues?: TemplateValues;
  /** Console users, for role-based steps (who owes a step). */
  users?: () => Promise<Actor[]>;
  now?: () => Date;
}

export const issuesOf = (store: Store) => store.collection<BroadcastIssue>('broadcast-issues', { indexes: ['account'] });
export const revisionsOf = (store: Store) => store.collection<ArticleRevision>('broadcast-revisions', { indexes: ['issue'] });
export const noticesOf = (store: Store) => store.collection<BroadcastNotice>('broadcast-notices', { indexes: ['user'] });
