// Keyword normalisation shared by the builder (conflict detection) and the gateway (matching):
// full-width to half-width (NFKC), lower case, no whitespace.
export function normalizeKeyword(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\u3000]+/g, '');
}
