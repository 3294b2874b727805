// An article body is HTML from a column owner, shown in the console and sent to WeChat, so it is
// cut down to a small rich-text subset by sanitize-html (a parser-based allowlist, not regexes):
// paragraphs, headings, emphasis, lists, quotes, links and our own images. No script, no style, no
// event handlers, no iframes or other foreign embeds; what is dropped is dropped with its content.
import sanitizeHtml from 'sanitize-html';

/** Body images the console uploaded: replaced by WeChat's uploadimg URL when the draft is made. */
export const BODY_IMAGE_SRC = /^\/console\/broadcasts\/images\/([0-9a-f]{32})$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'blockquote', 'ul', 'ol', 'li', 'a', 'img', 'hr'],
  allowedAttributes: { a: ['href'], img: ['src', 'alt'] },
  allowedSchemes: ['https', 'http'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  // Whatever is not allowed disappears; these also lose their text (a script's code is not prose).
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math', 'title', 'head'],
  exclusiveFilter: (frame) => frame.tag === 'img' && !BODY_IMAGE_SRC.test(frame.attribs.src ?? ''),
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};
// rel is ours, not the author's.
OPTIONS.allowedAttributes = { ...OPTIONS.allowedAttributes, a: ['href', 'rel'] };

/** The body reduced to the allowed subset. Idempotent: sanitizing a sanitized body changes nothing. */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** The body's text without tags, for lengths, diffs and "is it empty". */
export function bodyText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|h3|h4|li|blockquote)>|<br\s*\/?>/gi, '$&\n'), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Ids of the console-uploaded images a body shows. */
export function bodyImageIds(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/<img[^>]*\ssrc="\/console\/broadcasts\/images\/([0-9a-f]{32})"/g)) ids.add(m[1]!);
  return [...ids];
}
