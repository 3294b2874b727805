// Tells the citizen about each stage change with a WeChat template message linking to the
// application page. Without a WeChat client or template id the notice is only recorded, and a
// failed send never undoes the change it reports: every attempt lands in the 'notifications' log.
import { cityDate, cityMinutes, hhmm } from '../../calendar/index.js';
import type { TemplateData } from '../../wechat/index.js';
import type { LoopDeps } from '../deps.js';
import { channelOf, noticeText } from '../account-channel.js';
import { STAGE_LABELS, type Application, type TimelineEntry } from '../applications/application-types.js';

export interface NotificationRecord {
  at: string;
  openid: string;
  applicationNo: string;
  templateId: string | null;
  url: string;
  data: TemplateData;
  status: 'sent' | 'failed' | 'recorded';
  error?: string;
  /** The account the notice went through (absent: the primary). */
  account?: string;
  /** How it went: a template message (absent, as before) or a customer-service text (a further account). */
  channel?: 'template' | 'customer-service';
}

export const NOTIFICATIONS = 'notifications';

/** "2025-03-03 09:00": the city's date and clock time of an instant. */
export function cityTime(at: Date): string {
  return `${cityDate(at)} ${hhmm(cityMinutes(at))}`;
}

/**
 * Template fields follow the common 办件进度 template: keyword1 申请编号, keyword2 事项名称,
 * keyword3 当前状态, keyword4 时间. WeChat's rules since 2023-05-04: no first/remark line, no line
 * breaks, at most 20 characters a field; the stage note is on the page the notice opens.
 */
export function progressTemplateData(app: Application, entry: TimelineEntry): TemplateData {
  const cut = (s: string) => ([...s].length > 20 ? `${[...s].slice(0, 19).join('')}…` : s);
  return {
    keyword1: { value: cut(app.no) },
    keyword2: { value: cut(app.serviceName) },
    keyword3: { value: STAGE_LABELS[entry.to] },
    keyword4: { value: cityTime(new Date(entry.at)) },
  };
}

/**
 * The notice goes through the account the application came through: the primary sends the
 * service's template message; a further account sends a customer-service text with the same facts
 * (the service's template id is registered with the primary, and a subscription account has no
 * template messages; WeChat refuses the text outside 48 hours of the citizen's last message, which
 * is then recorded as failed).
 */
export async function notifyCitizen(deps: LoopDeps, app: Application, entry: TimelineEntry, templateId: string | undefined): Promise<NotificationRecord> {
  const url = `${deps.config.publicBaseUrl}/me/applications/${encodeURIComponent(app.no)}`;
  const data = progressTemplateData(app, entry);
  const base = { at: entry.at, openid: app.openid, applicationNo: app.no, templateId: templateId ?? null, url, data, ...(app.account !== undefined ? { account: app.account } : {}) };
  const via = channelOf(deps, app.account);
  let record: NotificationRecord;
  if (via.kind === 'unknown') {
    record = { ...base, templateId: null, status: 'failed', error: via.error };
  } else if (via.kind === 'sibling') {
    const text = noticeText('办理进度', [app.serviceName, `申请编号 ${app.no}`, `${STAGE_LABELS[entry.to]}（${cityTime(new Date(entry.at))}）`], url);
    record = { ...base, templateId: null, channel: 'customer-service', status: 'recorded' };
    if (via.channel.client) {
      try {
        await via.channel.client.sendText(app.openid, text);
        record = { ...record, status: 'sent' };
      } catch (err) {
        record = { ...record, status: 'failed', error: (err as Error).message };
      }
    }
  } else if (!deps.wechat || !templateId) {
    record = { ...base, status: 'recorded' };
  } else {
    try {
      await deps.wechat.sendTemplate(app.openid, templateId, url, data);
      record = { ...base, status: 'sent' };
    } catch (err) {
      record = { ...base, status: 'failed', error: (err as Error).message };
    }
  }
  deps.store.log<NotificationRecord>(NOTIFICATIONS).append(record);
  return record;
}
