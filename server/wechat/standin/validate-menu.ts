// WeChat's /cgi-bin/menu/create checks, replayed by the local stand-in so a menu that WeChat would
// refuse is refused locally with the same errcode (docs/wechat.md §4).

export interface WechatErrorReply {
  errcode: number;
  errmsg: string;
}

const KEY_TYPES = new Set([
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
]);
const URL_TYPES = new Set(['view', 'miniprogram']);
const MEDIA_TYPES = new Set(['media_id', 'view_limited']);
const ARTICLE_TYPES = new Set(['article_id', 'article_view_limited']);

const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Top-level and sub-level variants of each check: WeChat reports them under different codes. */
const CODES = {
  top: { type: 40017, name: 40018, key: 40019, url: 40020, domain: 40055, label: 'button', nameMax: 16 },
  sub: { type: 40024, name: 40025, key: 40026, url: 40027, domain: 40054, label: 'sub button', nameMax: 60 },
} as const;

function fail(errcode: number, what: string, where: string): WechatErrorReply {
  return { errcode, errmsg: `invalid ${what} hint: [${where}]` };
}

function checkLeaf(b: Record<string, unknown>, level: 'top' | 'sub', where: string): WechatErrorReply | null {
  const c = CODES[level];
  const type = b.type;
  if (typeof type !== 'string') return fail(c.type, `${c.label} type`, where);
  if (KEY_TYPES.has(type)) {
    if (typeof b.key !== 'string' || bytes(b.key) === 0) return fail(c.type, `${c.label} type: key missing`, where);
    if (bytes(b.key) > 128) return fail(c.key, `${c.label} key size`, where);
  } else if (URL_TYPES.has(type)) {
    if (typeof b.url !== 'string' || bytes(b.url) === 0) return fail(c.type, `${c.label} type: url missing`, where);
    if (bytes(b.url) > 1024) return fail(c.url, `${c.label} url size`, where);
    if (!/^https?:\/\/[^/\s]+/i.test(b.url)) return fail(c.domain, `${c.label} url domain`, where);
    if (type === 'miniprogram' && (typeof b.appid !== 'string' || typeof b.pagepath !== 'string')) {
      return fail(c.type, `${c.label} type: appid/pagepath missing`, where);
    }
  } else if (MEDIA_TYPES.has(type)) {
    if (typeof b.media_id !== 'string' || !b.media_id) return fail(40121, 'media_id type', where);
  } else if (ARTICLE_TYPES.has(type)) {
    if (typeof b.article_id !== 'string' || !b.article_id) return fail(c.type, `${c.label} type: article_id missing`, where);
  } else {
    return fail(c.type, `${c.label} type`, where);
  }
  return null;
}

function checkName(b: Record<string, unknown>, level: 'top' | 'sub', where: string): WechatErrorReply | null {
  const c = CODES[level];
  const n = bytes(b.name);
  return n === 0 || n > c.nameMax ? fail(c.name, `${c.label} name size`, where) : null;
}

/** null when WeChat would accept the body; else the reply WeChat would give. */
export function validateStandinMenu(body: unknown): WechatErrorReply | null {
  if (!isObject(body) || !Array.isArray(body.button)) return { errcode: 47001, errmsg: 'data format error hint: [button]' };
  const buttons = body.button;
  if (buttons.length < 1 || buttons.length > 3) return fail(40016, 'button size', 'button');
  for (const [i, b] of buttons.entries()) {
    const where = `button[${i}]`;
    if (!isObject(b)) return { errcode: 47001, errmsg: `data format error hint: [${where}]` };
    const nameError = checkName(b, 'top', where);
    if (nameError) return nameError;
    // menu/get shows leaves with "sub_button": [], so a typed button with an empty list is a leaf.
    const isLeaf = !('sub_button' in b) || ('type' in b && Array.isArray(b.sub_button) && b.sub_button.length === 0);
    if (isLeaf) {
      const leafError = checkLeaf(b, 'top', where);
      if (leafError) return leafError;
      continue;
    }
    const subs = b.sub_button;
    if (!Array.isArray(subs) || subs.length < 1 || subs.length > 5) return fail(40023, 'sub button size', where);
    for (const [j, s] of subs.entries()) {
      const subWhere = `${where}.sub_button[${j}]`;
      if (!isObject(s)) return { errcode: 47001, errmsg: `data format error hint: [${subWhere}]` };
      if ('sub_button' in s) return fail(40022, 'sub button level', subWhere);
      const error = checkName(s, 'sub', subWhere) ?? checkLeaf(s, 'sub', subWhere);
      if (error) return error;
    }
  }
  return null;
}
