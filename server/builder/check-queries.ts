// Rules for information queries (steps.query) that JSON Schema cannot say: inputs and proof, chat
// patterns on the linear-time engine, tables (present, parsed, keyed uniquely), connectors named by
// id only (a department file can never name a host), templates that compile. Returns the tables
// the build publishes.
import Handlebars from 'handlebars';
import type { CityModel, ServiceEntry } from './city-model.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';
import type { Connector, ConnectorSource, QueryStep, TableSource } from '../model/index.js';
import type { BuiltTable } from './types.js';
import { parseTable } from './parse-table.js';
import { checkChatPatterns } from './check-chat-patterns.js';

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9_]{0,39})\}/g;
const LOOKS_LIKE_HOST = /^[a-z][a-z0-9+.-]*:|^\/\/|\/\/|\\/i;

export function checkQueries(model: CityModel, sink: DiagnosticSink): Record<string, BuiltTable> {
  const connectors = checkConnectors(model, sink);
  const tables: Record<string, BuiltTable> = {};
  for (const department of model.departments.values()) {
    for (const entry of department.services) {
      if (model.scope && !model.scope.services.has(entry.ref)) continue;
      const query = entry.service.steps.query;
      if (query) checkQuery(model, entry, query, connectors, tables, sink);
    }
  }
  checkRawHosts(model, sink);
  return tables;
}

function checkConnectors(model: CityModel, sink: DiagnosticSink): Map<string, Connector> {
  const byId = new Map<string, Connector>();
  for (const [i, c] of (model.account.account?.connectors ?? []).entries()) {
    const at = { file: model.account.file, pointer: `/connectors/${i}` };
    if (byId.has(c.id)) {
      sink.error('DUPLICATE_CONNECTOR_ID', { ...at, pointer: `${at.pointer}/id` }, `接口编号“${c.id}”已使用`);
      continue;
    }
    byId.set(c.id, c);
    let url: URL | undefined;
    try {
      url = new URL(c.baseUrl);
    } catch {
      sink.error('CONNECTOR_URL_INVALID', { ...at, pointer: `${at.pointer}/baseUrl` }, `“${c.baseUrl}”不是有效的地址`);
      continue;
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      const message = `部门系统接口必须使用 https://；http:// 只允许本机地址（127.0.0.1、localhost、[::1]），且只在本地模式使用`;
      sink.error('CONNECTOR_INSECURE', { ...at, pointer: `${at.pointer}/baseUrl` }, message);
    }
  }
  return byId;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function checkQuery(
  model: CityModel,
  entry: ServiceEntry,
  query: QueryStep,
  connectors: Map<string, Connector>,
  tables: Record<string, BuiltTable>,
  sink: DiagnosticSink,
): void {
  const file = entry.department.file;
  const base = `${entry.pointer}/steps/query`;
  const at = (suffix: string): SourceRef => ({ file, pointer: `${base}${suffix}` });
  const inputs = new Map<string, { index: number; type: string; required: boolean }>();
  for (const [i, input] of query.inputs.entries()) {
    if (inputs.has(input.name)) sink.error('DUPLICATE_FIELD_NAME', at(`/inputs/${i}/name`), `查询条件“${input.name}”重复`);
    inputs.set(input.name, { index: i, type: input.type, required: input.required === true });
    if (input.type === 'file') sink.error('QUERY_INPUT_TYPE', at(`/inputs/${i}/type`), `查询条件不能是上传文件（file）`);
    if (input.type === 'select' && !input.options) sink.error('FIELD_OPTIONS_MISSING', at(`/inputs/${i}`), `下拉选择字段“${input.name}”缺少 options`);
  }
  const unknownInput = (name: string, where: SourceRef, what: string) => {
    if (!inputs.has(name)) sink.error('QUERY_INPUT_UNKNOWN', where, `${what}引用了“${name}”，但 inputs 中没有这个查询条件`);
  };
  for (const [i, name] of (query.proof ?? []).entries()) {
    const input = inputs.get(name);
    if (!input) unknownInput(name, at(`/proof/${i}`), '身份核验条件（proof）');
    else if (!input.required) sink.error('QUERY_PROOF_OPTIONAL', at(`/proof/${i}`), `身份核验条件“${name}”必须是必填项（required: true）`);
  }
  if (query.chat) checkChatPatterns(query.chat.patterns, new Set(inputs.keys()), (i) => at(`/chat/patterns/${i}`), sink);

  const { table, connector } = query.source;
  if ((table === undefined) === (connector === undefined)) {
    sink.error('QUERY_SOURCE_INVALID', at('/source'), '查询来源必须且只能填写 table（数据表）或 connector（部门系统接口）之一');
  } else if (table) {
    const built = checkTable(model, entry, table, inputs, at, sink);
    if (built) tables[table.file] = built;
  } else if (connector) {
    checkConnectorSource(connector, new Set(connectors.keys()), new Set(inputs.keys()), (suffix) => at(`/source/connector${suffix}`), 'QUERY_INPUT_UNKNOWN', sink);
  }
  for (const name of ['found', 'notFound', 'failed'] as const) {
    const template = query.reply[name];
    if (template !== undefined) checkTemplate(template, at(`/reply/${name}`), sink);
  }
  const page = query.reply.page;
  if (page) {
    const lists = table ? ['rows'] : Object.keys(connector?.map ?? {});
    if (!lists.includes(page.list)) {
      sink.error('QUERY_PAGE_LIST_UNKNOWN', at('/reply/page/list'), `结果页列表“${page.list}”不是查询结果中的名称（可用：${lists.join('、') || '无'}）`);
    }
  }
}

/** A connector named by a department (a query's source, a binding's verification): declared id, a path that names no host, placeholders that resolve. */
export function checkConnectorSource(
  connector: ConnectorSource,
  connectors: Set<string>,
  names: Set<string>,
  at: (suffix: string) => SourceRef,
  unknownCode: string,
  sink: DiagnosticSink,
): void {
  if (!connectors.has(connector.connector)) {
    const known = [...connectors].join('、') || '无';
    sink.error('UNKNOWN_CONNECTOR', at('/connector'), `接口“${connector.connector}”没有在 account.json 的 connectors 中声明（现有：${known}）；部门系统接口由平台团队声明`);
  }
  if (!connector.path.startsWith('/') || LOOKS_LIKE_HOST.test(connector.path) || connector.path.includes('..')) {
    sink.error('QUERY_HOST_FORBIDDEN', at('/path'), `接口路径必须以 / 开头且不能包含主机名、“//”或“..”：部门文件不能指定访问哪个地址`);
  }
  const unknown = (name: string, where: SourceRef, what: string) => {
    if (!names.has(name)) sink.error(unknownCode, where, unknownCode === 'QUERY_INPUT_UNKNOWN' ? `${what}引用了“${name}”，但 inputs 中没有这个查询条件` : `${what}引用了“${name}”，但绑定的 fields 中没有这个字段`);
  };
  for (const m of connector.path.matchAll(PLACEHOLDER)) unknown(m[1]!, at('/path'), '接口路径');
  for (const [key, value] of Object.entries(connector.params ?? {})) {
    for (const m of value.matchAll(PLACEHOLDER)) unknown(m[1]!, at(`/params/${key}`), `参数“${key}”`);
  }
}

function checkTable(
  model: CityModel,
  entry: ServiceEntry,
  source: TableSource,
  inputs: Map<string, { type: string }>,
  at: (suffix: string) => SourceRef,
  sink: DiagnosticSink,
): BuiltTable | undefined {
  const department = entry.department.department.id;
  const fileAt = at('/source/table/file');
  if (!source.file.startsWith(`data/${department}/`)) {
    sink.error('QUERY_TABLE_FOREIGN', fileAt, `数据表必须放在本部门的目录 data/${department}/ 下`);
    return undefined;
  }
  const text = model.tables.get(source.file);
  if (text === undefined) {
    sink.error('QUERY_TABLE_MISSING', fileAt, `找不到数据表 ${source.file}（路径相对于主题目录）`);
    return undefined;
  }
  const parsed = parseTable(source.file, text);
  if (!parsed.ok) {
    sink.add({ severity: 'error', code: 'QUERY_TABLE_SYNTAX', at: { file: source.file, pointer: '' }, message: parsed.message, position: { line: parsed.line, column: parsed.column }, related: fileAt });
    return undefined;
  }
  const { table } = parsed;
  let ok = true;
  const dateInput = source.date?.input;
  if (dateInput !== undefined) {
    if (!inputs.has(dateInput)) {
      sink.error('QUERY_INPUT_UNKNOWN', at('/source/table/date/input'), `日期规则引用了“${dateInput}”，但 inputs 中没有这个查询条件`);
      ok = false;
    } else if (inputs.get(dateInput)!.type !== 'date') {
      sink.error('QUERY_INPUT_TYPE', at('/source/table/date/input'), `日期规则的查询条件“${dateInput}”必须是日期（date）类型`);
      ok = false;
    }
  }
  for (const [i, key] of source.keys.entries()) {
    const keyAt = at(`/source/table/keys/${i}`);
    if (!table.columns.includes(key.column)) {
      sink.error('QUERY_TABLE_COLUMN_UNKNOWN', { ...keyAt, pointer: `${keyAt.pointer}/column` }, `数据表 ${source.file} 没有列“${key.column}”（现有：${table.columns.join('、')}）`);
      ok = false;
    }
    if ((key.input === undefined) === (key.fromDate !== true)) {
      sink.error('QUERY_TABLE_KEY_INVALID', keyAt, `键列“${key.column}”必须且只能取自一个查询条件（input）或日期规则（fromDate: true）`);
      ok = false;
    } else if (key.input !== undefined && !inputs.has(key.input)) {
      sink.error('QUERY_INPUT_UNKNOWN', { ...keyAt, pointer: `${keyAt.pointer}/input` }, `键列“${key.column}”引用了“${key.input}”，但 inputs 中没有这个查询条件`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  const seen = new Map<string, number>();
  for (const [i, row] of table.rows.entries()) {
    const key = JSON.stringify(source.keys.map((k) => row[k.column]));
    const first = seen.get(key);
    if (first !== undefined) {
      const names = source.keys.map((k) => `${k.column}=${row[k.column]}`).join('，');
      const message = `键（${names}）与第 ${table.lines[first]} 行重复：查询条件相同的行只能有一行`;
      sink.add({ severity: 'error', code: 'QUERY_TABLE_KEY_DUPLICATE', at: { file: source.file, pointer: '' }, message, position: { line: table.lines[i]!, column: 1 } });
      return undefined;
    }
    seen.set(key, i);
  }
  return { columns: table.columns, rows: table.rows };
}

function checkTemplate(template: string, at: SourceRef, sink: DiagnosticSink): void {
  try {
    const ast = Handlebars.parse(template);
    if (ast.body.some((node) => node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type === 'DecoratorBlock')) {
      sink.error('QUERY_TEMPLATE_INVALID', at, '回复模板不能使用局部模板（{{> …}}）');
    }
  } catch (err) {
    sink.error('QUERY_TEMPLATE_INVALID', at, `回复模板语法错误：${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Even a service the schema already refused is scanned: a department file that tries to name an
 * address in its query (url, host, baseUrl, a full URL as path) gets a plain error saying why.
 */
function checkRawHosts(model: CityModel, sink: DiagnosticSink): void {
  for (const parsed of model.files.values()) {
    if (parsed.kind !== 'department') continue;
    const services = (parsed.value as { services?: unknown })?.services;
    if (!Array.isArray(services)) continue;
    for (const [i, service] of services.entries()) {
      const source = (service as { steps?: { query?: { source?: { connector?: unknown } } } })?.steps?.query?.source?.connector;
      if (!source || typeof source !== 'object') continue;
      for (const key of Object.keys(source)) {
        if (/^(url|baseUrl|host|hostname|origin|endpoint)$/i.test(key)) {
          const at = { file: parsed.path, pointer: `/services/${i}/steps/query/source/connector/${key}` };
          sink.error('QUERY_HOST_FORBIDDEN', at, '部门文件不能指定部门系统的地址：请写 account.json 中平台团队声明的接口编号（connector）和路径（path）');
        }
      }
    }
  }
}
