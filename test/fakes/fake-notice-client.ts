// FakeWechatClient plus the notice calls (template send with client_msg_id, bizsend): records
// every call and fails the next calls with the WeChat errcodes a test queues.
import { WechatApiError } from '../../server/errors.js';
import type { SubscriptionMessage, TemplateMessage } from '../../server/wechat/client-types.js';
import { FakeWechatClient } from './fake-wechat-client.js';

export class FakeNoticeClient extends FakeWechatClient {
  readonly templateMessages: TemplateMessage[] = [];
  readonly subscriptionMessages: SubscriptionMessage[] = [];
  /** errcodes the next sends fail with, in order (template and subscription sends alike). */
  failures: number[] = [];
  /** Subscription sends fail with 43101 while set. */
  noSubscription = false;
  private msgid = 1000;

  private fail() {
    const code = this.failures.shift();
    if (code !== undefined) throw new WechatApiError(`微信接口错误 ${code}`, code, `errcode ${code}`);
  }
  async sendTemplateMessage(m: TemplateMessage) {
    this.fail();
    this.templateMessages.push(structuredClone(m));
    return { msgid: String(this.msgid++) };
  }
  async sendSubscriptionMessage(m: SubscriptionMessage) {
    if (this.noSubscription) throw new WechatApiError('微信接口错误 43101', 43101, 'user refuse to accept the msg');
    this.fail();
    this.subscriptionMessages.push(structuredClone(m));
    return { msgid: String(this.msgid++) };
  }
}
