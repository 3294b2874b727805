// Turns a notice type and its data into what is sent: checked against WeChat's template rules
// (the builder's, so build time and run time agree), mapped to the template's and the
// subscription's field keys, and listed for the citizen's 我的消息 page.
import { fieldLimit, templateValueProblem, type BuiltNoticeType } from '../builder/index.js';
import { ValidationError } from '../errors.js';
import type { NoticeRecord, WechatPlan } from './notice-types.js';

export interface FieldError {
  field: string;
  label: string;
  message: string;
}

export interface ComposedNotice {
  fields: NoticeRecord['fields'];
  wechat: WechatPlan;
  photos?: NoticeRecord['photos'];
}

const MAX_PHOTOS = 9;
const PHOTO_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{1,300}$/;
/** An optional field left out: WeChat refuses an empty value. */
const ABSENT = '—';

/** Checks data against the type; throws ValidationError with one Chinese detail per problem. */
export function composeNotice(type: BuiltNoticeType, data: unknown): ComposedNotice {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ValidationError('data 须为对象', [{ field: 'data', label: 'data', message: 'data 须为对象' }]);
  const given = data as Record<string, unknown>;
  const errors: FieldError[] = [];
  const known = new Set([...type.fields.map((f) => f.name), ...(type.photos ? [type.photos.field] : [])]);
  for (const name of Object.keys(given)) {
    if (!known.has(name)) errors.push({ field: `data.${name}`, label: name, message: `通知类型“${type.name}”没有字段“${name}”` });
  }
  const template: Record<string, { value: string }> = {};
  const subscription: Record<string, { value: string }> = {};
  const fields: NoticeRecord['fields'] = [];
  for (const f of type.fields) {
    const raw = f.value ?? given[f.name];
    let value: string;
    if (raw === undefined || raw === null || raw === '') {
      if (!f.optional) {
        errors.push({ field: `data.${f.name}`, label: f.label, message: `缺少“${f.label}”` });
        continue;
      }
      value = ABSENT;
    } else if (typeof raw === 'string' || typeof raw === 'number') {
      value = String(raw);
    } else {
      errors.push({ field: `data.${f.name}`, label: f.label, message: `“${f.label}”须为文字` });
      continue;
    }
    const limits = [fieldLimit(f.key, 'template'), ...(type.subscription && f.subscriptionKey ? [fieldLimit(f.subscriptionKey, 'subscription')] : [])];
    const problem = templateValueProblem(value, Math.min(...limits));
    if (problem) {
      errors.push({ field: `data.${f.name}`, label: f.label, message: `“${f.label}”${problem}` });
      continue;
    }
    template[f.key] = { value };
    if (type.subscription && f.subscriptionKey) subscription[f.subscriptionKey] = { value };
    fields.push({ label: f.label, value });
  }
  const photos = type.photos ? checkPhotos(type.photos, given[type.photos.field], errors) : undefined;
  if (errors.length) throw new ValidationError(`通知内容不符合微信模板规则：${errors.map((e) => e.message).join('；')}`, errors);
  return {
    fields,
    wechat: {
      template: { templateId: type.template.templateId, data: template },
      ...(type.subscription ? { subscription: { templateId: type.subscription.templateId, data: subscription } } : {}),
    },
    ...(photos && photos.paths.length ? { photos } : {}),
  };
}

/**
 * What goes to WeChat for a citizen of another account: the same notice type in that account's
 * build, with that account's template ids; nothing (我的消息 only) when that account has no such
 * type (a subscription account cannot send template messages). The primary keeps `composed`.
 */
export function planForAccount(composed: ComposedNotice, type: BuiltNoticeType, data: unknown, account: { build: { notices?: BuiltNoticeType[] } } | undefined): ComposedNotice {
  if (!account) return composed;
  const own = (account.build.notices ?? []).find((n) => n.ref === type.ref);
  return own ? { ...composed, wechat: composeNotice(own, data).wechat } : { ...composed, wechat: {} };
}

function checkPhotos(spec: { connector: string; field: string }, value: unknown, errors: FieldError[]): NoticeRecord['photos'] {
  if (value === undefined) return undefined;
  const bad = (message: string) => (errors.push({ field: `data.${spec.field}`, label: '照片', message }), undefined);
  if (!Array.isArray(value) || value.length > MAX_PHOTOS) return bad(`照片须为至多 ${MAX_PHOTOS} 个路径的数组`);
  if (!value.every((p): p is string => typeof p === 'string' && PHOTO_PATH.test(p) && !p.includes('..'))) return bad('照片路径须为部门系统上以 / 开头的路径');
  return { connector: spec.connector, paths: value };
}
