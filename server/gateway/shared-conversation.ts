// What a citizen said last, for the follow-ups that depend on it: the numbered list a bare "2"
// picks from and the query a bare "3" continues. Each process keeps this in memory; with a store
// several processes share, the latest state is also kept there after each push that changed it,
// and read back before a message that can only be a follow-up is routed (a number, a plate, a
// code: digits and Latin letters, a plate's province first; or "人工" after a failed query), so a follow-up answers the same
// whichever process the proxy sends it to. Every other message is a new question and skips the
// read, so keyword replies pay nothing for it.
import type { SharedOnce } from '../store/index.js';
import { LIST_MEMORY_MS, type RecentList } from './numbered-items.js';
import type { WechatMessage } from '../wechat/index.js';

export interface RecentQuery {
  service: string;
  at: number;
  outcome: string;
}

interface Conversation {
  /** When this state was taken: a newer one replaces what a process holds, deletions included. */
  at: number;
  list?: RecentList;
  query?: RecentQuery;
}

/** What only a follow-up looks like: "2", "３", "4F2A91", a plate "鄂A12345 4F2A91"; and 人工 after a failed query. */
const FOLLOW_UP = /^(?:[\u4e00-\u9fff]?[\s0-9A-Za-z０-９Ａ-Ｚａ-ｚ.,，。-]{1,32}|人工)$/;
const keyOf = (openid: string) => `conversation:${openid}`;

export interface SharedConversations {
  /** Brings this process's state for the sender up to date before a short text is routed. */
  recall(msg: WechatMessage): Promise<void>;
  /** The sender's state now, to compare after routing. */
  snapshot(openid: string): [RecentList | undefined, RecentQuery | undefined];
  /** Publishes the sender's state if routing changed it (not awaited by the reply). */
  publishIfChanged(openid: string, before: [RecentList | undefined, RecentQuery | undefined], at: number): void;
}

export function createSharedConversations(once: SharedOnce, lists: Map<string, RecentList>, queries: Map<string, RecentQuery>, warn: (line: string) => void): SharedConversations {
  const latest = new Map<string, number>();
  return {
    async recall(msg) {
      if (msg.msgType !== 'text' || !FOLLOW_UP.test((msg.content ?? '').trim())) return;
      const raw = await once.outcome(keyOf(msg.fromUser));
      if (raw === undefined) return;
      const shared = JSON.parse(raw) as Conversation;
      if (shared.at <= (latest.get(msg.fromUser) ?? -Infinity)) return;
      latest.set(msg.fromUser, shared.at);
      if (shared.list) lists.set(msg.fromUser, shared.list);
      else lists.delete(msg.fromUser);
      if (shared.query) queries.set(msg.fromUser, shared.query);
      else queries.delete(msg.fromUser);
    },
    snapshot: (openid) => [lists.get(openid), queries.get(openid)],
    publishIfChanged(openid, before, at) {
      const [list, query] = [lists.get(openid), queries.get(openid)];
      if (list === before[0] && query === before[1]) return;
      if (latest.size > 50_000) latest.clear();
      latest.set(openid, at);
      const state: Conversation = { at, ...(list ? { list } : {}), ...(query ? { query } : {}) };
      void once.remember(keyOf(openid), JSON.stringify(state), LIST_MEMORY_MS).catch((e: Error) => warn(`保存会话状态失败：${e.message}`));
    },
  };
}
