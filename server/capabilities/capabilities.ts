// What each WeChat official-account type may do: the one table in the code base. The builder
// checks services against it at build time; broadcasts, notices and sign-in ask it at run time.
//
// Sources (checked 2026-12): WeChat's 公众号接口权限说明 (mirror w3cschool.cn/weixinkaifawendang/qbtf1q8d.html,
// table by account type and verification, and blog.csdn.net/qq_38038920/article/details/81669906 with the
// same table per column), the mass-send guide (developers.weixin.qq.com/doc/offiaccount/Message_Management/Batch_Sends_and_Originality_Checks.html:
// subscription one send a day; service four a month per follower), and the 订阅通知 pages under /doc/service/
// (subscription notices are a 服务号 feature). See docs/accounts.md for the table in prose.

export type AccountType = 'service' | 'subscription';

export type Capability =
  | 'web-oauth'
  | 'template-message'
  | 'subscription-notice'
  | 'wechat-pay'
  | 'mass-send-by-openid'
  | 'custom-menu'
  | 'customer-service-message'
  | 'broadcast';

/** An account as the matrix sees it: its type and whether WeChat verified it (微信认证). */
export interface AccountKind {
  type: AccountType;
  /** Government accounts are verified; unverified accounts lose most interfaces. Default true. */
  verified?: boolean;
}

export interface CapabilityRow {
  capability: Capability;
  /** How admins and citizens read it. */
  name: string;
  /** Who has it: per account type, verified / unverified. */
  service: { verified: boolean; unverified: boolean };
  subscription: { verified: boolean; unverified: boolean };
  /** What a service needing it can do instead on an account without it (Chinese), if anything. */
  alternative?: string;
}

const only = (verified: boolean, unverified = false) => ({ verified, unverified });

/** The matrix. Keep it the only copy: everything else calls can() / capabilityMatrix(). */
const MATRIX: readonly CapabilityRow[] = Object.freeze([
  {
    capability: 'web-oauth',
    name: '网页授权（H5 页面识别市民身份）',
    service: only(true),
    subscription: only(false),
    alternative: '订阅号改用聊天回复中的一次性签名链接登录（10 分钟内有效，只能使用一次）',
  },
  { capability: 'template-message', name: '模板消息（办理进度、预约提醒等业务通知）', service: only(true), subscription: only(false) },
  { capability: 'subscription-notice', name: '订阅通知', service: only(true), subscription: only(false) },
  { capability: 'wechat-pay', name: '微信支付（公众号 JSAPI 支付）', service: only(true), subscription: only(false) },
  { capability: 'mass-send-by-openid', name: '按 OpenID 列表群发', service: only(true), subscription: only(false) },
  { capability: 'custom-menu', name: '自定义菜单接口', service: only(true, true), subscription: only(true) },
  { capability: 'customer-service-message', name: '客服消息（48 小时内主动回复）', service: only(true), subscription: only(true) },
  { capability: 'broadcast', name: '群发（按标签或全部关注者）', service: only(true), subscription: only(true) },
]);

export function capabilityMatrix(): readonly CapabilityRow[] {
  return MATRIX;
}

export function capabilityRow(capability: Capability): CapabilityRow {
  const row = MATRIX.find((r) => r.capability === capability);
  if (!row) throw new Error(`unknown capability ${capability}`);
  return row;
}

/** True when an account of this kind has the capability. */
export function can(kind: AccountType | AccountKind, capability: Capability): boolean {
  const { type, verified = true } = typeof kind === 'string' ? { type: kind } : kind;
  const cell = capabilityRow(capability)[type];
  return verified ? cell.verified : cell.unverified;
}

export const ACCOUNT_TYPE_NAMES: Readonly<Record<AccountType, string>> = Object.freeze({ service: '服务号', subscription: '订阅号' });

/**
 * How often an account may broadcast (群发). A subscription account: one successful send a day for
 * the account. A service account: each follower receives at most four a month (sends beyond that
 * fail for that follower), whether sent from the web console or the API.
 */
export type BroadcastQuota = { per: 'day'; limit: 1; counted: 'account' } | { per: 'month'; limit: 4; counted: 'follower' };

export function broadcastQuota(kind: AccountType | AccountKind): BroadcastQuota {
  const type = typeof kind === 'string' ? kind : kind.type;
  return type === 'subscription' ? { per: 'day', limit: 1, counted: 'account' } : { per: 'month', limit: 4, counted: 'follower' };
}
