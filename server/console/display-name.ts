// How a WeChat phone draws a menu name: the top level shows about 4 汉字, a sub-menu about 8,
// anything longer is cut and ends in "..." (docs/wechat.md §4). Widths are counted in
// columns, a wide (CJK / full-width) character taking 2 and an ASCII one 1, so "ETC办理" fits
// where "不动产登记" does not.

export type MenuLevel = 'top' | 'sub';

/** Columns available per level: 4 and 8 汉字. */
export const MENU_COLUMNS: Readonly<Record<MenuLevel, number>> = { top: 8, sub: 16 };

/** East Asian Wide and Fullwidth ranges that matter for Chinese menu names. */
function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) || // Hangul Jamo
    (codePoint >= 0x2e80 && codePoint <= 0x303e) || // CJK radicals, punctuation 、。「」
    (codePoint >= 0x3041 && codePoint <= 0x33ff) || // kana, CJK compatibility
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) || // CJK extension A
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) || // CJK unified ideographs
    (codePoint >= 0xa960 && codePoint <= 0xa97f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) || // Hangul syllables
    (codePoint >= 0xf900 && codePoint <= 0xfaff) || // CJK compatibility ideographs
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) || // full-width forms （）！
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) || // emoji
    (codePoint >= 0x20000 && codePoint <= 0x3fffd) // CJK extensions B+
  );
}

export function charColumns(char: string): number {
  return isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
}

export function textColumns(text: string): number {
  let total = 0;
  for (const char of text) total += charColumns(char);
  return total;
}

/** The name as the phone shows it: unchanged when it fits, otherwise cut to fit and "..." added. */
export function displayName(name: string, level: MenuLevel): string {
  const limit = MENU_COLUMNS[level];
  if (textColumns(name) <= limit) return name;
  let shown = '';
  let used = 0;
  for (const char of name) {
    const width = charColumns(char);
    if (used + width > limit) break;
    shown += char;
    used += width;
  }
  return `${shown}...`;
}
