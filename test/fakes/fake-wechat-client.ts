// The one fake of WeChat's API for tests that do not go through nock: records every call and can
// be told to refuse. Tests that check the real HTTP shapes use createWechatClient + nock instead.
import type { WechatMenu } from '../../server/builder/types.js';
import type { TemplateData, WechatClient } from '../../server/wechat/client-types.js';

export class FakeWechatClient implements WechatClient {
  readonly menus: WechatMenu[] = [];
  /** Customer-service messages in order, text and news alike. */
  readonly sent: Array<{ openid: string; kind: 'text' | 'news'; payload: unknown }> = [];
  texts: Array<{ openid: string; text: string }> = [];
  templates: Array<{ openid: string; templateId: string; url: string; data: TemplateData }> = [];
  /** Thrown by createMenu while set (e.g. a WechatApiError for 40018). */
  refuse?: Error;
  /** Thrown by sendText while set (e.g. 45015, out of the 48-hour window). */
  refuseText?: Error;
  /** The next sendTemplate fails once. */
  failNext = false;

  async createMenu(menu: WechatMenu) {
    if (this.refuse) throw this.refuse;
    this.menus.push(menu);
  }
  async getMenu() {
    return { menu: this.menus.at(-1) };
  }
  async sendText(openid: string, text: string) {
    if (this.refuseText) throw this.refuseText;
    this.texts.push({ openid, text });
    this.sent.push({ openid, kind: 'text', payload: text });
  }
  async sendNews(openid: string, articles: unknown) {
    this.sent.push({ openid, kind: 'news', payload: articles });
  }
  async sendTemplate(openid: string, templateId: string, url: string, data: TemplateData) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('模拟的微信错误');
    }
    this.templates.push({ openid, templateId, url, data });
  }
}
