// What the local stand-in remembers, in the app's own store so the simulator, the console and tests
// can show what would have reached WeChat and the citizen.
import type { WechatMenu } from '../../builder/index.js';
import type { Doc, Store } from '../../store/index.js';

/** The appid/secret the stand-in accepts; local mode points the real client at the stand-in with these. */
export const LOCAL_STANDIN_CREDENTIALS = Object.freeze({ appId: 'wx-local-standin', secret: 'local' });

export const STANDIN_OUTBOX = 'standin-outbox';

export interface StandinTokenDoc extends Doc {
  /** ms epoch */
  issuedAt: number;
  expiresAt: number;
  /** Set when a later fetch replaced this token; it keeps working 5 minutes more, like WeChat. */
  supersededAt?: number;
  /** 'stable' for /cgi-bin/stable_token's tokens, which classic fetches never replace. */
  kind?: 'stable';
}

export interface StandinMenuDoc extends Doc {
  menu: WechatMenu;
  menuid: number;
  createdAt: string;
}

/** One message WeChat would have delivered to a citizen. */
export interface StandinOutboxRecord {
  /** ISO time the stand-in accepted it. */
  at: string;
  /** mass = a broadcast (touser '@all', '@tag:<id>' or one openid), preview = mass/preview to one follower. */
  kind: 'custom' | 'template' | 'mass' | 'preview' | 'subscription';
  touser: string;
  /** Customer-service msgtype (text, news, ...), 'template' or 'subscription'. */
  msgtype: string;
  templateId?: string;
  msgid?: number;
  /** The request body exactly as WeChat would have received it. */
  body: Record<string, unknown>;
}

export const standinTokens = (store: Store) => store.collection<StandinTokenDoc>('standin-tokens');
export const standinMenus = (store: Store) => store.collection<StandinMenuDoc>('standin-menu');

/** The menu last created on the stand-in, or null when none was published. */
export async function readStandinMenu(store: Store): Promise<WechatMenu | null> {
  const doc = await standinMenus(store).get('current');
  return doc ? doc.menu : null;
}

/** Messages the stand-in accepted, oldest first; optionally only those to one openid. */
export async function readStandinOutbox(store: Store, touser?: string): Promise<StandinOutboxRecord[]> {
  const log = store.log<StandinOutboxRecord>(STANDIN_OUTBOX);
  await log.flush();
  // A broadcast to all followers reaches every openid.
  return log.read(touser === undefined ? undefined : (r) => r.touser === touser || r.touser === '@all');
}
