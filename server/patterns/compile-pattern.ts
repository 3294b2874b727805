import { RE2JS } from 're2js';

export interface PatternMatch {
  /** Offset of the match in the text, in UTF-16 code units like String.prototype.indexOf. */
  index: number;
  /** The matched text. */
  text: string;
  /** Named groups (`(?<name>…)`); a group that took no part in the match is undefined. */
  groups: Record<string, string | undefined>;
}

export interface CompiledPattern {
  readonly source: string;
  /** True when the pattern matches anywhere in the text (anchor with ^…$ for a whole answer). */
  test(text: string): boolean;
  /** The first match with its named groups, or null. */
  exec(text: string): PatternMatch | null;
}

/** Why a pattern was refused; `message` is Chinese, for the department admin. */
export class PatternError {
  readonly code = 'PATTERN_INVALID';
  constructor(
    readonly source: string,
    readonly message: string,
  ) {}
}

// Ajv keys compiled patterns by toString(); the source is what identifies one.
class Re2Pattern implements CompiledPattern {
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  test(text: string): boolean {
    return this.re.test(text);
  }

  exec(text: string): PatternMatch | null {
    // Most texts do not match (every chat message is tried against every chat pattern): test()
    // answers that on the DFA without building a matcher and its groups, several times faster.
    if (!this.re.test(text)) return null;
    const m = this.re.exec(text) as (string[] & { index: number; groups?: Record<string, string | null | undefined> }) | null;
    if (!m) return null;
    const groups: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) groups[name] = value ?? undefined;
    return { index: m.index, text: m[0] ?? '', groups };
  }

  toString(): string {
    return `/${this.source}/`;
  }
}

/** Patterns longer than this are refused: a form field needs nothing near it. */
export const MAX_PATTERN_LENGTH = 1000;

/** Compiles JavaScript-style syntax (`\d`, `\u4e00`, `(?<name>…)`) on the linear-time engine. */
export function compilePattern(source: string): CompiledPattern | PatternError {
  if (source.length > MAX_PATTERN_LENGTH) return new PatternError(source, `正则表达式过长（${source.length} 个字符，最多 ${MAX_PATTERN_LENGTH} 个）`);
  try {
    return new Re2Pattern(source, RE2JS.compile(RE2JS.translateRegExp(source)));
  } catch (e) {
    return new PatternError(source, explain(e instanceof Error ? e.message : String(e)));
  }
}

/** RE2's syntax errors in Chinese, first match wins; the engine's own words follow for the exact spot. */
const REASONS: Array<[RegExp, string]> = [
  [/\\[1-9]/, '不支持反向引用（\\1 等）'],
  [/\(\?[=!<]|Perl syntax/, '不支持前瞻/后顾断言（(?= (?! (?<= (?<!）'],
  [/missing closing \)|unexpected \)/, '括号不配对'],
  [/missing closing \]/, '方括号不配对'],
  [/missing argument/, '重复符号（* + ? {n}）前缺少内容'],
  [/repeat count|repetition/, '重复次数无效或过大（最多 1000）'],
];

function explain(reason: string): string {
  const detail = reason.replace(/^error parsing regexp: /, '');
  const lead = REASONS.find(([test]) => test.test(detail))?.[1] ?? '语法有误';
  return `正则表达式无法使用：${lead}（${detail}）。只支持线性时间的 RE2 语法`;
}
