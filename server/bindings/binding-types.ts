// What the bindings room stores and hands out. A stored binding keeps the citizen's fields and the
// verification's answer only sealed by the vault; what can be searched is an HMAC of the key.
import type { AccountBuild, BuiltBindingKind } from '../builder/index.js';
import type { LiveBuild } from '../live-build.js';
import type { ConnectorCaller } from '../query/index.js';
import type { Doc, Store } from '../store/index.js';
import type { Vault } from '../vault/index.js';

export const BINDINGS = 'bindings';
export const BINDING_INDEXES = ['openid', 'keyIndex', 'bucket'];
/** How the bindings collection is declared: 200,000 sealed bindings stay on disk (the embedded store). */
export const BINDING_COLLECTION = { indexes: BINDING_INDEXES, onDisk: true };

export interface BindingsDeps {
  store: Store;
  vault: Vault;
  live: LiveBuild;
  /** Verification through departments' systems (the connectors room); without it connector kinds cannot be bound. */
  connectors?: ConnectorCaller;
  now?: () => Date;
}

/** One binding as stored. Nothing personal in clear except the openid (every loop record keeps it). */
export interface BindingRecord extends Doc {
  openid: string;
  /**
   * The account the citizen bound through (its openid is that account's); absent = the primary.
   * Notices about the binding go out through that account.
   */
  account?: string;
  department: string;
  kind: string;
  /** HMAC (vault blind index) of <department>/<kind> and the canonical key. */
  keyIndex: string;
  /** <department>/<kind>/<2 hex>: 256 buckets per kind, so all bindings of a kind can be read page by page. */
  bucket: string;
  /** vault.seal(JSON {fields, data}, 'binding:<id>') */
  sealed: string;
  verifiedBy: 'connector' | 'declared';
  createdAt: string;
  verifiedAt: string;
  dataUpdatedAt?: string;
  /** City day (YYYY-MM-DD) the scheduler last had the verifying system answer for it (refresh-binding.ts): at most one ask a day. */
  refreshedOn?: string;
  /** ms epoch an ask of the verifying system started (refresh-binding.ts); another process waits for its answer until it lapses. */
  refreshClaim?: number;
  /** City day the verifying system first answered that it no longer knows the binding; reminders skip it until a later ask finds it again. */
  goneOn?: string;
}

/** A binding opened for its reader. fields and data are personal: never log them. */
export interface BindingView {
  id: string;
  openid: string;
  /** The account the openid belongs to; absent = the primary. */
  account?: string;
  department: string;
  kind: string;
  /** 机动车 */
  kindName: string;
  /** The key fields' values joined by ':' in the declared order, e.g. 02:鄂A12345. */
  key: string;
  fields: Record<string, string>;
  /** The same fields as staff may see them (鄂A1***5, 420102********1232). */
  masked: Record<string, string>;
  /** One masked line: 机动车 小型汽车（蓝牌） 鄂A1***5 */
  label: string;
  /** What the verification answered (mapped), e.g. inspectionDue; {} when accepted as declared. */
  data: Record<string, unknown>;
  verifiedBy: 'connector' | 'declared';
  createdAt: string;
  verifiedAt: string;
  dataUpdatedAt?: string;
  /** The department's system no longer knows it (since that city day): no reminders until it does again. */
  goneOn?: string;
}

export interface SealedContent {
  fields: Record<string, string>;
  data: Record<string, unknown>;
}

/** An account id as records keep it: absent for the primary (the bindings deps' live build). */
export function accountIdOf(deps: Pick<BindingsDeps, 'live'>, account: string | undefined): string | undefined {
  return account === undefined || account === deps.live.current().account.id ? undefined : account;
}

export function kindOf(build: AccountBuild, department: string, kind: string): BuiltBindingKind | undefined {
  return build.bindings?.find((k) => k.department === department && k.id === kind);
}
