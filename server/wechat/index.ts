// The WeChat edge's front door: signature, crypto, XML, the API client wrapper (the only importer of wechat-api) and the local stand-in's state.
// Other rooms import this folder only through this file; everything else in it is private.
export type { TemplateData, WechatClient } from './client-types.js';
export type { BroadcastApi, DraftArticle, MassSendResult } from './client-types.js';
export type { AnalyticsApi, ArticleDayTotals, ArticleTotalDetail } from './client-types.js';
export { WechatCryptoError, createMsgCrypt } from './crypto.js';
export type { MsgCrypt } from './crypto.js';
export { ExpiringMap, ownString } from './expiring-map.js';
export { createPushGuard } from './push-guard.js';
export type { PushGuard, PushGuardStats, PushRefusal } from './push-guard.js';
export { plainSignature, verifyPlainSignature } from './signature.js';
export { LOCAL_STANDIN_CREDENTIALS, STANDIN_OUTBOX, readStandinOutbox, standinMenus, standinTokens } from './standin/standin-state.js';
export type { StandinOutboxRecord } from './standin/standin-state.js';
export { validateStandinMenu } from './standin/validate-menu.js';
export type { WechatErrorReply } from './standin/validate-menu.js';
export { createStoreTokenStore } from './token-store.js';
export { createWechatClient, redactSecrets } from './wechat-client.js';
export { UnsafeXmlError, cdata, encryptedReplyXml, newsReplyXml, parseMessage, parseXmlObject, textReplyXml } from './xml.js';
export type { ReplyArticle, WechatLocation, WechatMessage } from './xml.js';
