// WeChat's menu limits, checked on the assembled menu (the JSON admins write never shows the
// final buttons directly). Bytes are UTF-8 (a 汉字 is 3 bytes), as WeChat counts them.
import type { DiagnosticSink } from './diagnostics.js';
import type { MenuAssembly, PlacedButton } from './build-menu.js';

export const MENU_LIMITS = {
  topButtons: 3,
  subButtons: 5,
  topNameBytes: 16,
  subNameBytes: 60,
  keyBytes: 128,
  urlBytes: 1024,
  /** Display widths before WeChat cuts a name with "...": 4 汉字 top level, 8 in a sub-menu. */
  topNameWidth: 8,
  subNameWidth: 16,
} as const;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Display width as a phone shows it: CJK characters, full-width forms and emoji count 2,
 * everything else (ASCII, half-width katakana) 1. So 4 汉字 = 8 = 8 Latin letters.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x1f300;
    width += wide ? 2 : 1;
  }
  return width;
}

export function checkMenuLimits(assembly: MenuAssembly, sink: DiagnosticSink): void {
  const { placed } = assembly;
  if (placed.length > MENU_LIMITS.topButtons) {
    const extra = placed[MENU_LIMITS.topButtons]!;
    sink.error('MENU_TOO_MANY_BUTTONS', extra.slot, `菜单最多 ${MENU_LIMITS.topButtons} 个一级按钮，现在有 ${placed.length} 个`);
  }
  for (const { top } of placed) {
    checkButton(top, 'top', sink);
    if (top.children.length > MENU_LIMITS.subButtons) {
      const message = `一个一级菜单最多 ${MENU_LIMITS.subButtons} 个子按钮，“${top.button.name}”有 ${top.children.length} 个`;
      sink.error('MENU_TOO_MANY_SUB_BUTTONS', top.valueSource, message);
    }
    for (const child of top.children) checkButton(child, 'sub', sink);
  }
}

function checkButton(placed: PlacedButton, level: 'top' | 'sub', sink: DiagnosticSink): void {
  const { button } = placed;
  const where = level === 'top' ? '一级菜单' : '子菜单';
  const maxBytes = level === 'top' ? MENU_LIMITS.topNameBytes : MENU_LIMITS.subNameBytes;
  const maxWidth = level === 'top' ? MENU_LIMITS.topNameWidth : MENU_LIMITS.subNameWidth;
  const bytes = utf8Bytes(button.name);
  if (bytes > maxBytes) {
    const message = `菜单名称“${button.name}”有 ${bytes} 字节，${where}最多 ${maxBytes} 字节（一个汉字 3 字节，约 ${Math.floor(maxBytes / 3)} 个汉字）`;
    sink.error('MENU_NAME_TOO_LONG', placed.nameSource, message);
  } else if (displayWidth(button.name) > maxWidth) {
    const message = `菜单名称“${button.name}”在手机上显示不全：${where}只显示约 ${maxWidth / 2} 个汉字（${maxWidth} 个英文字母），其余显示为“...”`;
    sink.warning('MENU_NAME_TRUNCATED', placed.nameSource, message);
  }
  if ('key' in button && utf8Bytes(button.key) > MENU_LIMITS.keyBytes) {
    sink.error('MENU_KEY_TOO_LONG', placed.valueSource, `菜单按钮的 key“${button.key}”超过 ${MENU_LIMITS.keyBytes} 字节`);
  }
  if ('url' in button && utf8Bytes(button.url) > MENU_LIMITS.urlBytes) {
    const message = `菜单链接有 ${utf8Bytes(button.url)} 字节，超过 ${MENU_LIMITS.urlBytes} 字节（请缩短 PUBLIC_BASE_URL 或编号）`;
    sink.error('MENU_URL_TOO_LONG', placed.valueSource, message);
  }
}
