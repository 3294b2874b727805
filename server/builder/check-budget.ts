// Bounds the work one file may cost before the expensive checks run. The schema check, duplicate
// and conflict detection and diagnostics with line:column all grow with the number of items, so a
// 440 KB draft of 20,000 copies of one hall once held the server for seconds. The counts here are
// generous for a real city (the largest sample department has 8 services and 3 halls) and are
// checked in one pass over the parsed value, without recursion.
import type { DiagnosticSink } from './diagnostics.js';
import { encodePointerSegment, type ParsedFile } from './parse-city-file.js';
import { normalizeKeyword } from './normalize.js';

interface ArrayLimit {
  /** JSON pointer with * for any array index or property name. */
  path: string;
  max: number;
  /** What the items are, in Chinese, for the message. */
  what: string;
}

const LIMITS: Record<ParsedFile['kind'], ArrayLimit[]> = {
  department: [
    { path: '/halls', max: 300, what: '服务大厅' },
    { path: '/services', max: 500, what: '服务事项' },
    { path: '/services/*/keywords', max: 20, what: '关键词' },
    { path: '/services/*/steps/*/fields', max: 60, what: '表单字段' },
    { path: '/services/*/steps/*/fields/*/options', max: 200, what: '下拉选项' },
    { path: '/services/*/steps/*/attachments', max: 30, what: '申请材料' },
    { path: '/halls/*/closedDates', max: 400, what: '闭厅日期' },
  ],
  topic: [
    { path: '/services', max: 500, what: '服务' },
    { path: '/keywords', max: 30, what: '关键词' },
  ],
  matter: [{ path: '/keywords', max: 20, what: '关键词' }],
  account: [
    { path: '/keywordResolutions', max: 2000, what: '关键词裁决' },
    { path: '/calendar/holidays', max: 1000, what: '节假日' },
    { path: '/calendar/workdays', max: 1000, what: '调休工作日' },
  ],
};

/** Keyword texts per file, and how often one (normalised) text may repeat: conflict checks pair them up. */
export const MAX_KEYWORDS = 1000;
export const MAX_SAME_KEYWORD = 10;
const KEYWORD_TEXT: Partial<Record<ParsedFile['kind'], string>> = { department: '/services/*/keywords/*/text', topic: '/keywords/*/text', matter: '/keywords/*/text' };

/** Any other array. */
export const DEFAULT_ARRAY_LIMIT = 1000;
/** Values (objects, arrays, strings, numbers…) in one file: about 700 services' worth. */
export const MAX_VALUES = 100_000;

/** True when the file is within every limit; otherwise reports each breach (at most a few) and returns false. */
export function checkBudget(parsed: ParsedFile, sink: DiagnosticSink): boolean {
  const { path: file, kind, value } = parsed;
  const limits = LIMITS[kind];
  // Positions by scanning: the parse tree the other diagnostics use is the cost being avoided.
  const report = (pointer: string, message: string) =>
    sink.add({ severity: 'error', code: 'FILE_TOO_COMPLEX', at: { file, pointer }, message, position: parsed.locateByScan(pointer) });
  let values = 0;
  let breaches = 0;
  const keywordPath = KEYWORD_TEXT[kind];
  const keywordCounts = new Map<string, number>();
  let keywords = 0;
  // Each entry: a value and its pointer, as segments (index segments also kept as * for matching).
  const stack: Array<{ value: unknown; segments: string[]; pattern: string[] }> = [{ value, segments: [], pattern: [] }];
  while (stack.length > 0) {
    const { value: v, segments, pattern } = stack.pop()!;
    if (++values > MAX_VALUES) {
      const message = `文件中的数据项超过 ${MAX_VALUES} 个，无法检查：请拆分或精简后再提交`;
      report('', message);
      return false;
    }
    if (typeof v === 'string' && keywordPath && matches(keywordPath, pattern)) {
      const pointer = `/${segments.map(encodePointerSegment).join('/')}`;
      const text = normalizeKeyword(v);
      const seen = (keywordCounts.get(text) ?? 0) + 1;
      keywordCounts.set(text, seen);
      if (++keywords > MAX_KEYWORDS) {
        report(pointer, `一个文件最多 ${MAX_KEYWORDS} 个关键词，从这里起超出：请精简后再提交`);
        return false;
      }
      if (seen === MAX_SAME_KEYWORD + 1) {
        report(pointer, `关键词“${v.slice(0, 30)}”在本文件中出现超过 ${MAX_SAME_KEYWORD} 次：请去掉重复的关键词`);
        if (++breaches >= 5) return false;
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      const limit = limitFor(limits, pattern);
      if (v.length > limit.max) {
        const pointer = `/${segments.map(encodePointerSegment).join('/')}`;
        report(pointer, `${limit.what}最多 ${limit.max} 项，这里有 ${v.length} 项：请精简后再提交`);
        if (++breaches >= 5) return false;
        continue; // its items are not worth walking
      }
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], segments: [...segments, String(i)], pattern: [...pattern, '*'] });
    } else {
      for (const [key, child] of Object.entries(v)) stack.push({ value: child, segments: [...segments, key], pattern: [...pattern, key] });
    }
  }
  return breaches === 0;
}

function limitFor(limits: ArrayLimit[], pattern: string[]): { max: number; what: string } {
  const found = limits.find((l) => matches(l.path, pattern));
  return found ?? { max: DEFAULT_ARRAY_LIMIT, what: '列表' };
}

function matches(path: string, pattern: string[]): boolean {
  const parts = path.slice(1).split('/');
  return parts.length === pattern.length && parts.every((p, i) => p === '*' || p === pattern[i]);
}
