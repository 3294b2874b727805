// Parses one input file. JSON.parse gives the value quickly; the jsonc-parser tree that maps a JSON
// pointer to line:column is built only when a diagnostic needs a position, so a clean build of
// thousands of services never pays for it.
import { parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { DiagnosticSink } from './diagnostics.js';
import { offsetOfPointer } from './locate-pointer.js';

export type FileKind = 'account' | 'topic' | 'department' | 'matter';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedFile {
  path: string;
  kind: FileKind;
  value: unknown;
  /** Position of the value a pointer names, or of its deepest existing parent. */
  locate(pointer: string, atKey?: boolean): Position;
  /** The same by one scan of the text, for a few diagnostics on a file not worth a parse tree. */
  locateByScan(pointer: string): Position;
}

/** Which schema a path gets: account.json or accounts/<id>.json, departments/<id>.json, matters/<id>.json, or a topic at the top level. */
export function fileKindOf(path: string): FileKind | undefined {
  if (!path.endsWith('.json')) return undefined;
  if (path === 'account.json' || /^accounts\/[^/]+\.json$/.test(path)) return 'account';
  if (/^departments\/[^/]+\.json$/.test(path)) return 'department';
  if (/^matters\/[^/]+\.json$/.test(path)) return 'matter';
  if (!path.includes('/')) return 'topic';
  return undefined;
}

const syntaxMessages: Record<string, string> = {
  InvalidSymbol: '出现了无效的字符',
  InvalidNumberFormat: '数字格式不正确',
  PropertyNameExpected: '这里应该是用双引号括起来的字段名（或多了一个逗号）',
  ValueExpected: '这里缺少值（或多了一个逗号）',
  ColonExpected: '字段名后缺少冒号“:”',
  CommaExpected: '缺少逗号“,”',
  CloseBraceExpected: '缺少右花括号“}”',
  CloseBracketExpected: '缺少右方括号“]”',
  EndOfFileExpected: '文件末尾有多余的内容',
  InvalidCommentToken: 'JSON 文件不允许写注释',
  UnexpectedEndOfComment: '注释没有结束',
  UnexpectedEndOfString: '字符串缺少结尾的双引号',
  UnexpectedEndOfNumber: '数字没有写完',
  InvalidUnicode: '无效的 Unicode 转义',
  InvalidEscapeCharacter: '无效的转义字符',
  InvalidCharacter: '字符串中有不允许的字符（如换行或制表符）',
};

export function parseCityFile(path: string, kind: FileKind, rawText: string, sink: DiagnosticSink): ParsedFile | undefined {
  // Editors on Windows may save a BOM; it is not part of the JSON.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const locator = createLocator(text);
  // Before any parser: JSON.parse, the parse tree and Ajv all recurse, and deep enough nesting
  // overflows their stacks. No city file needs more than a dozen levels.
  const tooDeep = offsetPastDepth(text, MAX_DEPTH);
  if (tooDeep >= 0) {
    const message = `嵌套层数超过 ${MAX_DEPTH} 层，无法检查：城市文件不需要这么深的结构，请检查是否多了括号`;
    sink.add({ severity: 'error', code: 'FILE_TOO_DEEP', at: { file: path, pointer: '' }, message, position: locator.positionAt(tooDeep) });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const position = first ? locator.positionAt(first.offset) : { line: 1, column: 1 };
    const reason = first ? (syntaxMessages[printParseErrorCode(first.error)] ?? '格式错误') : (err as Error).message;
    const message = text.trim() === '' ? '文件是空的' : `JSON 语法错误：${reason}`;
    sink.add({ severity: 'error', code: 'JSON_SYNTAX', at: { file: path, pointer: '' }, message, position });
    return undefined;
  }
  const locateByScan = (pointer: string) => locator.positionAt(offsetOfPointer(text, decodePointer(pointer)));
  return { path, kind, value, locate: locator.locate, locateByScan };
}

/** Deepest nesting a city file may have; the schemas need about ten levels. */
export const MAX_DEPTH = 32;

/** Offset of the first [ or { (outside strings) that opens level max + 1, or -1. Linear, no recursion. */
export function offsetPastDepth(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

function createLocator(text: string) {
  let tree: Node | undefined;
  let lineStarts: number[] | undefined;

  function positionAt(offset: number): Position {
    lineStarts ??= computeLineStarts(text);
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  }

  function locate(pointer: string, atKey = false): Position {
    tree ??= parseTree(text, undefined, { disallowComments: true });
    if (!tree) return { line: 1, column: 1 };
    let node: Node = tree;
    for (const segment of decodePointer(pointer)) {
      const child = childAt(node, segment);
      if (!child) return positionAt(node.offset);
      node = child;
    }
    const keyNode = atKey && node.parent?.type === 'property' ? node.parent : undefined;
    return positionAt((keyNode ?? node).offset);
  }

  return { positionAt, locate };
}

function childAt(node: Node, segment: string): Node | undefined {
  if (node.type === 'array') return /^\d+$/.test(segment) ? node.children?.[Number(segment)] : undefined;
  if (node.type !== 'object') return undefined;
  // A duplicated key resolves to its last occurrence, as JSON.parse does.
  const property = node.children?.findLast((p) => p.children?.[0]?.value === segment);
  return property?.children?.[1] ?? property;
}

export function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function encodePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}
