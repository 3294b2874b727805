// Finds where a JSON pointer's value starts in a file's text by scanning it once, without building a
// parse tree: for a diagnostic on a file too large to be worth a tree (a draft of 20,000 halls takes
// the tree builder half a second). The text is valid JSON (JSON.parse accepted it). Like JSON.parse,
// a duplicated key resolves to its last occurrence.

/** Offset of the value at `segments`, or of its deepest existing parent. */
export function offsetOfPointer(text: string, segments: string[]): number {
  let at = skipSpace(text, 0);
  for (const segment of segments) {
    const child = text[at] === '{' ? propertyValue(text, at, segment) : text[at] === '[' ? element(text, at, segment) : undefined;
    if (child === undefined) return at;
    at = child;
  }
  return at;
}

function propertyValue(text: string, open: number, name: string): number | undefined {
  let found: number | undefined;
  let i = skipSpace(text, open + 1);
  while (text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
    if (key === name) found = i;
    i = skipSpace(text, valueEnd(text, i));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return found;
}

function element(text: string, open: number, segment: string): number | undefined {
  if (!/^\d+$/.test(segment)) return undefined;
  let index = Number(segment);
  let i = skipSpace(text, open + 1);
  while (i < text.length && text[i] !== ']') {
    if (index-- === 0) return i;
    i = skipSpace(text, valueEnd(text, i));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

function valueEnd(text: string, start: number): number {
  const c = text[start];
  if (c === '"') return stringEnd(text, start);
  if (c !== '{' && c !== '[') {
    let i = start;
    while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') i = stringEnd(text, i) - 1;
    else if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Offset just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) i++;
    else if (ch === 0x22) return i + 1;
  }
  return text.length;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}
