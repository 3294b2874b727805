// Parses a query's data table (CSV with a header row, or a JSON array of flat objects) into
// string cells, remembering each row's line so that diagnostics point into the file.
import type { BuiltTable } from './types.js';

export const TABLE_LIMITS = { bytes: 1024 * 1024, rows: 20_000, columns: 40, cellChars: 500 } as const;

export interface ParsedTable extends BuiltTable {
  /** 1-based line of each row (CSV: where the row starts; JSON: 1 when unknown). */
  lines: number[];
}

export type TableParse = { ok: true; table: ParsedTable } | { ok: false; line: number; column: number; message: string };

export function parseTable(path: string, rawText: string): TableParse {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (Buffer.byteLength(text, 'utf8') > TABLE_LIMITS.bytes) return fail(1, 1, `数据表超过 ${TABLE_LIMITS.bytes / 1024} KB，请拆分或改用接口查询`);
  return path.endsWith('.json') ? parseJsonTable(text) : parseCsv(text);
}

function fail(line: number, column: number, message: string): TableParse {
  return { ok: false, line, column, message };
}

function parseCsv(text: string): TableParse {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let column = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
        column += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      if (c === '\n') [line, column] = [line + 1, 1];
      else column++;
      continue;
    }
    if (c === '"') {
      if (cell !== '' || wasQuoted) return fail(line, column, '引号只能出现在单元格开头（单元格内的引号请写成两个 ""）');
      quoted = true;
      wasQuoted = true;
      column++;
      continue;
    }
    if (c === ',' || c === '\n' || c === '\r') {
      cells.push(wasQuoted ? cell : cell.trim());
      [cell, wasQuoted] = ['', false];
      if (c === ',') {
        column++;
        continue;
      }
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (!(cells.length === 1 && cells[0] === '')) records.push({ cells, line: recordLine });
      cells = [];
      line++;
      column = 1;
      recordLine = line;
      continue;
    }
    if (wasQuoted) return fail(line, column, '引号结束后应是逗号或换行');
    cell += c;
    column++;
  }
  if (quoted) return fail(line, column, '引号没有结束');
  if (cell !== '' || wasQuoted || cells.length > 0) {
    cells.push(wasQuoted ? cell : cell.trim());
    records.push({ cells, line: recordLine });
  }
  const [header, ...body] = records;
  if (!header) return fail(1, 1, '数据表是空的：第一行应是列名');
  const columns = header.cells;
  const bad = checkColumns(columns);
  if (bad) return fail(header.line, 1, bad);
  if (body.length > TABLE_LIMITS.rows) return fail(body[TABLE_LIMITS.rows]!.line, 1, `数据表最多 ${TABLE_LIMITS.rows} 行`);
  const rows: Record<string, string>[] = [];
  for (const record of body) {
    if (record.cells.length !== columns.length) {
      return fail(record.line, 1, `这一行有 ${record.cells.length} 个单元格，表头有 ${columns.length} 列`);
    }
    const long = record.cells.findIndex((v) => v.length > TABLE_LIMITS.cellChars);
    if (long >= 0) return fail(record.line, 1, `列“${columns[long]}”的内容超过 ${TABLE_LIMITS.cellChars} 个字符`);
    rows.push(Object.fromEntries(columns.map((name, j) => [name, record.cells[j]!])));
  }
  return { ok: true, table: { columns, rows, lines: body.map((r) => r.line) } };
}

function parseJsonTable(text: string): TableParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(1, 1, `JSON 语法错误：${(err as Error).message}`);
  }
  if (!Array.isArray(value)) return fail(1, 1, 'JSON 数据表应是对象数组 [{…}, …]');
  if (value.length > TABLE_LIMITS.rows) return fail(1, 1, `数据表最多 ${TABLE_LIMITS.rows} 行`);
  const columns: string[] = [];
  const rows: Record<string, string>[] = [];
  for (const [i, item] of value.entries()) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return fail(1, 1, `第 ${i + 1} 项不是对象`);
    const row: Record<string, string> = {};
    for (const [key, cell] of Object.entries(item as Record<string, unknown>)) {
      if (cell !== null && typeof cell === 'object') return fail(1, 1, `第 ${i + 1} 项的“${key}”不是文字或数字`);
      if (!columns.includes(key)) columns.push(key);
      row[key] = cell === null ? '' : String(cell);
    }
    rows.push(row);
  }
  const bad = checkColumns(columns);
  if (bad) return fail(1, 1, bad);
  for (const row of rows) for (const c of columns) row[c] ??= '';
  return { ok: true, table: { columns, rows, lines: rows.map(() => 1) } };
}

function checkColumns(columns: string[]): string | undefined {
  if (columns.length > TABLE_LIMITS.columns) return `数据表最多 ${TABLE_LIMITS.columns} 列`;
  const empty = columns.findIndex((c) => c === '');
  if (empty >= 0) return `第 ${empty + 1} 列没有列名`;
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) return `列名“${dup}”重复`;
  return undefined;
}
