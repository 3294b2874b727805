// What a query run produces, whoever asked (chat, H5 form, API).
import type { FieldError } from '../loop/index.js';

/**
 * found / not-found: the source answered; failed: it is down, slow or answered nonsense;
 * ask: inputs are missing (the reply says what to send); invalid: an input is wrong;
 * limited: the citizen ran too many queries this minute.
 */
export type QueryOutcome = 'found' | 'not-found' | 'failed' | 'ask' | 'invalid' | 'limited';

export interface QueryResult {
  /** <department>/<service> */
  service: string;
  outcome: QueryOutcome;
  /** The chat reply (also the API's `reply`). */
  text: string;
  /** Table rows or the connector's mapped fields; only for found / not-found. */
  data?: Record<string, unknown>;
  /** The H5 result page, when the query declares one and a citizen asked. */
  pageUrl?: string;
  errors?: FieldError[];
  /** Which source answered: table:<file> or connector:<id>. */
  source: string;
  latencyMs: number;
  /** Plain Chinese for the simulator's trace: why this outcome. */
  reason: string;
}

/** Who asked, for the per-citizen limit and result pages: an openid, or api:<ip> for anonymous callers. */
export interface QueryAsker {
  key: string;
  /** The citizen's openid when known: result pages are bound to it. */
  openid?: string;
}

/** A connector's answer, mapped: the query room never sees the department's URL or raw body. */
export type ConnectorAnswer =
  | { kind: 'found'; data: Record<string, unknown> }
  | { kind: 'not-found'; data: Record<string, unknown> }
  /** reason: plain Chinese for the trace (timeout, HTTP 500, too large, not JSON, circuit open). */
  | { kind: 'failed'; reason: string };

/** Calls departments' systems; the connectors room implements it, tests fake it. */
export interface ConnectorCaller {
  call(request: { connector: string; method: 'GET' | 'POST'; path: string; params: Record<string, string>; map: Record<string, string>; foundWhen?: string }): Promise<ConnectorAnswer>;
  /** Fetches a photo path the department's answer named, through the same connector. */
  photo?(connector: string, path: string): Promise<{ type: string; body: Buffer } | undefined>;
}
