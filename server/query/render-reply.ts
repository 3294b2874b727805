// Query replies are WeChat text: values from the inputs and the source are made inert before the
// department's template sees them ("<" and ">" become full-width, so no tag can form; URLs only
// as http(s)), and the text is cut at WeChat's 2048 bytes on a line boundary.
export const MAX_TEXT_BYTES = 2048;

export function inert(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (key === 'pageUrl' || key === 'formUrl') return /^https?:\/\//i.test(value) ? value.replace(/["'<>\s`]/g, encodeURIComponent) : '#';
    return value.replace(/</g, '＜').replace(/>/g, '＞');
  }
  if (Array.isArray(value)) return value.map((v) => inert(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inert(v, k)]));
  return value;
}

export function capText(text: string, max = MAX_TEXT_BYTES): string {
  const clean = text.replace(/\n{3,}/g, '\n\n').trim();
  if (Buffer.byteLength(clean) <= max) return clean;
  const kept: string[] = [];
  let bytes = Buffer.byteLength('……');
  for (const line of clean.split('\n')) {
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > max) break;
    kept.push(line);
    bytes += size;
  }
  return `${kept.join('\n')}\n……`;
}
