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

export interface WechatClient {
  createMenu(menu: WechatMenu): Promise<void>;
  getMenu(): Promise<unknown>;
  /** Customer-service (客服) text message, within 48 h of the citizen's last message. */
  sendText(openid: string, text: string): Promise<void>;
  sendNews(openid: string, articles: NewsArticle[]): Promise<void>;
  /** Template message, e.g. a progress notice. */
  sendTemplate(openid: string, templateId: string, url: string, data: TemplateData): Promise<void>;
}
