// Diagnostics: how every problem the builder finds is reported to a department admin.
import type { AccountBuild, Diagnostic, Severity } from './types.js';

/** A place in one input file; line and column are filled in later from the parse tree. */
export interface SourceRef {
  file: string;
  pointer: string;
}

/** A diagnostic before its position is resolved (positions need the file's parse tree). */
export interface PendingDiagnostic {
  severity: Severity;
  code: string;
  at: SourceRef;
  message: string;
  related?: SourceRef;
  /** Point at the property name instead of its value (e.g. an unknown field). */
  atKey?: boolean;
  /** Known position (syntax errors, where there is no tree to ask). */
  position?: { line: number; column: number };
  /** The account a finding belongs to, in a city of several accounts. */
  account?: string;
}

/** Collects diagnostics while the build runs; each stage reports into the same sink. */
export class DiagnosticSink {
  readonly items: PendingDiagnostic[] = [];

  error(code: string, at: SourceRef, message: string, related?: SourceRef): void {
    this.items.push({ severity: 'error', code, at, message, related });
  }

  warning(code: string, at: SourceRef, message: string, related?: SourceRef): void {
    this.items.push({ severity: 'warning', code, at, message, related });
  }

  add(item: PendingDiagnostic): void {
    this.items.push(item);
  }
}

export function hasErrors(build: Pick<AccountBuild, 'diagnostics'> | { diagnostics: Diagnostic[] }): boolean {
  return build.diagnostics.some((d) => d.severity === 'error');
}

const severityLabel: Record<Severity, string> = { error: '错误', warning: '警告' };

/** `departments/jiaojing.json 12:9 /services/0/keywords/1 KEYWORD_CONFLICT 错误: 关键词…` */
export function formatDiagnostic(d: Diagnostic): string {
  const pointer = d.pointer === '' ? '/' : d.pointer;
  const account = d.account !== undefined ? `[公众号 ${d.account}] ` : '';
  return `${account}${d.file} ${d.line}:${d.column} ${pointer} ${d.code} ${severityLabel[d.severity]}: ${d.message}`;
}

/** Stable order: file, position, code, message; so two runs print the same lines. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.pointer, b.pointer)
  );
}

/** Code-unit comparison: locale-independent, so the output never depends on the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line summing up a run, for the CLI and the console. */
export function summarizeDiagnostics(diagnostics: Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (errors === 0 && warnings === 0) return `共检查 ${fileCount} 个文件，没有发现问题。`;
  const verdict = errors > 0 ? '请修正错误后再构建。' : '可以构建，建议处理警告。';
  return `共检查 ${fileCount} 个文件：${errors} 个错误，${warnings} 个警告。${verdict}`;
}
