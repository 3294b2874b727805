// The citizen's 我的消息: every notice addressed to them, whatever WeChat did with it, so a
// message WeChat dropped still reaches them. Only their own; anything else is a 404.
import { NotFoundError } from '../errors.js';
import { type NoticeRecord, type NoticesDeps, noticesOf, nowOf } from './notice-types.js';

export interface CitizenMessage {
  id: string;
  title: string;
  fields: NoticeRecord['fields'];
  at: string;
  read: boolean;
  photoCount: number;
}

const view = (n: NoticeRecord): CitizenMessage => ({ id: n.id, title: n.title, fields: n.fields, at: n.createdAt, read: !!n.readAt, photoCount: n.photos?.paths.length ?? 0 });

/** Newest first. A notice still waiting for quiet hours to end is listed too: it is already the citizen's. */
export async function listCitizenMessages(deps: NoticesDeps, openid: string, limit = 100): Promise<CitizenMessage[]> {
  const mine = await noticesOf(deps.store).findBy('openid', openid);
  return mine
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1))
    .slice(0, limit)
    .map(view);
}

async function own(deps: NoticesDeps, openid: string, id: string): Promise<NoticeRecord> {
  const n = await noticesOf(deps.store).get(id);
  if (!n || n.openid !== openid) throw new NotFoundError('消息不存在');
  return n;
}

/** One message for its citizen; the first read is recorded. */
export async function openCitizenMessage(deps: NoticesDeps, openid: string, id: string): Promise<CitizenMessage> {
  const n = await own(deps, openid, id);
  if (n.readAt) return view(n);
  return view(await noticesOf(deps.store).update(id, (m) => (m.readAt ? m : { ...m, readAt: nowOf(deps).toISOString() })));
}

/** Photo n of a message, fetched through the notice type's connector for its own citizen only. */
export async function citizenMessagePhoto(deps: NoticesDeps, openid: string, id: string, index: number): Promise<{ type: string; body: Buffer }> {
  const n = await own(deps, openid, id);
  const path = Number.isInteger(index) ? n.photos?.paths[index] : undefined;
  const photo = path && deps.photos ? await deps.photos(n.photos!.connector, path) : undefined;
  if (!photo) throw new NotFoundError('照片不存在或暂时无法获取');
  return photo;
}
