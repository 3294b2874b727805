// WeChat's rules for template messages and subscription notices, as in force since 2023-05-04
// (docs/notices.md): no first/remark lines, no line breaks, and each field at most 20 characters
// (subscription notices limit some value types further). The builder checks fixed values with
// them; the notices room checks pushed data with the same functions when it arrives.

/** Keys WeChat drops since 2023-05-04; a notice must not put anything in them. */
export const FORBIDDEN_TEMPLATE_KEYS: ReadonlySet<string> = new Set(['first', 'remark']);

/** A template message field's limit in characters. */
export const TEMPLATE_FIELD_MAX = 20;

/** Subscription notice value limits by the key's type prefix (thing1 → thing). */
const SUBSCRIPTION_LIMITS: Readonly<Record<string, number>> = {
  thing: 20,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
  amount: 32,
  phrase: 5,
  car_number: 8,
  phone_number: 17,
  name: 10,
  time: 32,
  date: 32,
  const: 20,
};

/** The type of a subscription key (thing1 → thing), or undefined for an unknown type. */
export function subscriptionKeyType(key: string): string | undefined {
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  return type && type in SUBSCRIPTION_LIMITS ? type : undefined;
}

/** How many characters a field may hold: 20 for a template field, by type for a subscription key. */
export function fieldLimit(key: string, channel: 'template' | 'subscription'): number {
  if (channel === 'template') return TEMPLATE_FIELD_MAX;
  return SUBSCRIPTION_LIMITS[subscriptionKeyType(key) ?? 'thing'] ?? TEMPLATE_FIELD_MAX;
}

/** Characters as WeChat counts them (a 汉字 or an emoji is one). */
export const charCount = (value: string) => [...value].length;

/** Why WeChat would refuse this value in a field with this limit, in Chinese; undefined when it is fine. */
export function templateValueProblem(value: string, limit: number): string | undefined {
  if (/[\r\n]/.test(value)) return '不能换行（微信模板消息自 2023 年 5 月 4 日起不支持换行）';
  if (value.trim() === '') return '不能为空';
  const n = charCount(value);
  if (n > limit) return `有 ${n} 个字，超过上限 ${limit} 个字`;
  return undefined;
}
