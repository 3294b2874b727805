// A query's chat patterns compile on the same linear-time engine as form patterns (a department
// pattern can never freeze the server), and every named group names one of the query's inputs.
import { compilePattern, PatternError } from '../patterns/index.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';

/** Named groups as written: (?<name>…) or (?P<name>…). */
export function groupNames(source: string): string[] {
  return [...source.matchAll(/\(\?P?<([A-Za-z][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
}

export function checkChatPatterns(patterns: string[], inputs: Set<string>, at: (i: number) => SourceRef, sink: DiagnosticSink): void {
  for (const [i, source] of patterns.entries()) {
    const compiled = compilePattern(source);
    if (compiled instanceof PatternError) {
      sink.error('QUERY_PATTERN_INVALID', at(i), compiled.message);
      continue;
    }
    const names = groupNames(source);
    if (names.length === 0) sink.warning('QUERY_PATTERN_NO_GROUPS', at(i), '这条消息格式没有命名分组 (?<条件名>…)，匹配后不会带出任何查询条件');
    for (const name of names) {
      if (!inputs.has(name)) sink.error('QUERY_PATTERN_GROUP_UNKNOWN', at(i), `命名分组“${name}”不是本查询的查询条件（inputs 中的 name）`);
    }
  }
}
