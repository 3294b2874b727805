// What onestop asks of WeChat's HTTP API. One implementation wraps wechat-api (wechat-client.ts);
// swapping that library later touches only that file.
import type { WechatMenu } from '../builder/index.js';

export interface NewsArticle {
  title: string;
  description: string;
  url: string;
  picurl?: string;
}

export interface TemplateData {
  [key: string]: { value: string; color?: string };
}

/** A template message as /cgi-bin/message/template/send takes it (since 2023-05-04: no first/remark, no colours). */
export interface TemplateMessage {
  touser: string;
  templateId: string;
  url?: string;
  /** 防重入 id: WeChat sends one message per id, so a retry after a crash cannot send twice. */
  clientMsgId?: string;
  data: Record<string, { value: string }>;
}

/** A subscription notice (订阅通知) as /cgi-bin/message/subscribe/bizsend takes it. */
export interface SubscriptionMessage {
  touser: string;
  templateId: string;
  /** A web page to open (the H5 page); bizsend calls it page. */
  page?: string;
  data: Record<string, { value: string }>;
}

export interface WechatClient {
  createMenu(menu: WechatMenu): Promise<void>;
  getMenu(): Promise<unknown>;
  /** Customer-service (客服) text message, within 48 h of the citizen's last message. */
  sendText(openid: string, text: string): Promise<void>;
  sendNews(openid: string, articles: NewsArticle[]): Promise<void>;
  /** Template message, e.g. a progress notice. */
  sendTemplate(openid: string, templateId: string, url: string, data: TemplateData): Promise<void>;
  /** Broadcast calls (drafts, mass sends, publishing); absent on fakes that do not need them. */
  broadcasts?: BroadcastApi;
  /** Template message with client_msg_id (wechat-api cannot send it); resolves WeChat's msgid. Optional so fakes need not have it. */
  sendTemplateMessage?(message: TemplateMessage): Promise<{ msgid: string }>;
  /** Subscription notice via bizsend; resolves the msgid when WeChat gives one. */
  sendSubscriptionMessage?(message: SubscriptionMessage): Promise<{ msgid?: string }>;
  /** The data APIs (数据统计, datacube) for published content; absent on fakes that do not need them. */
  analytics?: AnalyticsApi;
}

/** One statistics date of one article: WeChat's figures accumulated from its publish date to that date. */
export interface ArticleDayTotals {
  /** YYYY-MM-DD. */
  statDate: string;
  readUser: number;
  shareUser: number;
  likeUser: number;
  /** 在看. */
  zaikanUser: number;
  commentCount: number;
  /** 收藏. */
  collectionUser: number;
}

/** One article of getarticletotaldetail's `list`. */
export interface ArticleTotalDetail {
  /** The publish date (YYYY-MM-DD). */
  refDate: string;
  /** `<msg_data_id>_<index>`, index from 1: the article's place in its broadcast or publish. */
  msgid: string;
  title: string;
  url: string;
  /** As WeChat gives it (a mass send and a publish differ). */
  publishType?: number;
  days: ArticleDayTotals[];
}

export interface AnalyticsApi {
  /**
   * /datacube/getarticletotaldetail for the articles published on one date. `delayed`: WeChat has
   * not finished that day's figures (is_delay); ask again later.
   */
  articleTotalDetail(publishDate: string): Promise<{ delayed: boolean; articles: ArticleTotalDetail[] }>;
}

// ---- Broadcasts (群发): drafts, permanent material, mass sends and publishing -----------------
// wechat-api predates drafts and freepublish and cannot send clientmsgid, so these calls go over
// fetch in wechat-client.ts (its "Broadcasts" section). Request and reply shapes: docs/broadcasts.md.

/** One article of a WeChat draft (draft/add `articles[]`). */
export interface DraftArticle {
  title: string;
  author: string;
  digest: string;
  /** HTML; its images must be URLs WeChat gave from media/uploadimg. */
  content: string;
  content_source_url: string;
  /** Permanent image material (the cover). */
  thumb_media_id: string;
  need_open_comment: 0 | 1;
  only_fans_can_comment: 0 | 1;
}

export interface MassSendResult {
  msgId: string;
  msgDataId?: string;
}

export interface BroadcastApi {
  /** media/uploadimg: an image for an article body; WeChat answers its URL. */
  uploadBodyImage(bytes: Buffer, filename: string, mime: string): Promise<string>;
  /** material/add_material?type=image: permanent image material (a cover); its media_id and URL. */
  addImageMaterial(bytes: Buffer, filename: string, mime: string): Promise<{ mediaId: string; url?: string }>;
  /** draft/add: the draft's media_id. */
  addDraft(articles: DraftArticle[]): Promise<string>;
  /** mass/preview of a draft to one follower, by openid or WeChat id (towxname). */
  preview(to: { openid: string } | { wxname: string }, mediaId: string): Promise<void>;
  /** mass/sendall of a draft to all followers, or to those with a tag. */
  sendAll(mediaId: string, audience: { tagId?: number }, clientmsgid: string): Promise<MassSendResult>;
  /** mass/send of a draft to a list of openids (service accounts only). */
  sendToOpenids(mediaId: string, openids: string[], clientmsgid: string): Promise<MassSendResult>;
  /** freepublish/submit: publish a draft without notifying followers. */
  publish(mediaId: string): Promise<{ publishId: string; msgDataId?: string }>;
  /** freepublish/get: where a publish job is (0 success, 1 publishing, 2+ failed) and its article URLs. */
  publishStatus(publishId: string): Promise<{ status: number; articleUrls: string[] }>;
  /** message/mass/get: where a mass send is (SEND_SUCCESS, SENDING, SEND_FAIL, DELETE). */
  massStatus(msgId: string): Promise<{ status: string }>;
}
