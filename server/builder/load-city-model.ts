// Parses and schema-checks every file, then gathers the valid parts into a CityModel.
// Granularity of "leaving out": a broken service, hall, menu slot or resolution is dropped alone;
// a department or topic whose own fields are broken is dropped whole.
import path from 'node:path';
import type { Account, Department, Matter, Topic } from './types.js';
import type { KeywordResolution, MenuSlot } from '../model/index.js';
import type { CityFiles } from './load-city.js';
import type { AccountEntry, CityModel, DepartmentEntry, HallEntry } from './city-model.js';
import { compareStrings, type DiagnosticSink } from './diagnostics.js';
import { fileKindOf, parseCityFile, type ParsedFile } from './parse-city-file.js';
import { validateAgainstSchema } from './schema-validator.js';
import { checkBudget } from './check-budget.js';
import { schemaErrorToDiagnostic } from './schema-messages.js';

export function loadCityModel(input: CityFiles, sink: DiagnosticSink): CityModel {
  const model: CityModel = {
    files: new Map(),
    account: { id: PRIMARY_ACCOUNT_ID, file: 'account.json', slots: [], resolutions: [] },
    accounts: [],
    departments: new Map(),
    topics: new Map(),
    services: new Map(),
    answers: new Map(),
    matters: new Map(),
    tables: new Map(),
    broken: { departments: new Set(), topics: new Set(), services: new Set(), answers: new Set(), matters: new Set() },
  };
  for (const u of input.unreadable ?? []) {
    sink.add({ severity: 'error', code: u.code, at: { file: u.path, pointer: '' }, message: u.message, position: u.position ?? { line: 1, column: 1 } });
    markBrokenByName(model, u.path);
  }
  const sorted = [...input.files].sort((a, b) => compareStrings(a.path, b.path));
  let sawAccount = false;
  for (const [i, file] of sorted.entries()) {
    if (sorted[i - 1]?.path === file.path) {
      sink.error('FILE_DUPLICATE', { file: file.path, pointer: '' }, '同一文件出现了两次，只使用第一份');
      continue;
    }
    if (isTablePath(file.path)) {
      model.tables.set(file.path, file.text);
      continue;
    }
    const kind = fileKindOf(file.path);
    if (!kind) {
      sink.warning('FILE_IGNORED', { file: file.path, pointer: '' }, '不是 account.json、主题文件或 departments/ 下的部门文件，已忽略');
      continue;
    }
    if (kind === 'account') sawAccount = true;
    const parsed = parseCityFile(file.path, kind, file.text, sink);
    if (!parsed) {
      markBrokenByName(model, file.path);
      continue;
    }
    model.files.set(file.path, parsed);
    if (!checkBudget(parsed, sink)) {
      markBrokenByName(model, file.path);
      continue;
    }
    if (kind === 'account' && model.accounts.length > 0) inheritFromPrimary(parsed, model.files.get(model.accounts[0]!.file));
    const brokenPaths = validateFile(parsed, sink);
    if (kind === 'account') addAccount(model, accountEntry(parsed, brokenPaths), sink);
    else if (kind === 'topic') addTopic(model, parsed, brokenPaths, sink);
    else if (kind === 'matter') addMatter(model, parsed, brokenPaths, sink);
    else addDepartment(model, parsed, brokenPaths, sink);
  }
  if (!sawAccount) sink.error('ACCOUNT_MISSING', { file: 'account.json', pointer: '' }, '缺少 account.json（公众号的名称、菜单和日历）');
  if (model.accounts[0]) model.account = model.accounts[0];
  return model;
}

/** The id of account.json when it names none. */
export const PRIMARY_ACCOUNT_ID = 'main';

/** City-wide settings an account in accounts/ takes from the primary account when it leaves them out. */
export const INHERITED = ['desk', 'calendar', 'badReviewDeadlineDays', 'linkHosts', 'connectors', 'queries'] as const;

function inheritFromPrimary(file: ParsedFile, primary: ParsedFile | undefined): void {
  if (!isObject(file.value) || !isObject(primary?.value)) return;
  const merged: Record<string, unknown> = { ...file.value };
  for (const key of INHERITED) if (merged[key] === undefined && primary.value[key] !== undefined) merged[key] = primary.value[key];
  file.value = merged;
}

function addAccount(model: CityModel, entry: AccountEntry, sink: DiagnosticSink): void {
  const fromFile = /^accounts\/([^/]+)\.json$/.exec(entry.file)?.[1];
  if (fromFile !== undefined) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(fromFile)) {
      sink.error('ACCOUNT_ID_INVALID', { file: entry.file, pointer: '' }, `公众号文件名“${fromFile}”不能用作编号：只能用小写字母、数字和连字符，以字母开头，最多 32 个字符`);
      return;
    }
    entry.id = fromFile;
    if (entry.account?.id !== undefined && entry.account.id !== fromFile) {
      sink.warning('ACCOUNT_FILE_NAME', { file: entry.file, pointer: '/id' }, `公众号编号以文件名为准（${fromFile}），与 id 字段“${entry.account.id}”不一致`);
    }
  }
  const first = model.accounts.find((a) => a.id === entry.id);
  if (first) {
    sink.error('DUPLICATE_ACCOUNT_ID', { file: entry.file, pointer: '' }, `公众号编号“${entry.id}”已由 ${first.file} 使用`, { file: first.file, pointer: '' });
    return;
  }
  model.accounts.push(entry);
}

/** A file that could not be read still names its department or topic: references to it are not "unknown". */
function markBrokenByName(model: CityModel, file: string): void {
  const kind = fileKindOf(file);
  const id = path.posix.basename(file, '.json');
  if (kind === 'department') model.broken.departments.add(id);
  else if (kind === 'topic') model.broken.topics.add(id);
  else if (kind === 'matter') model.broken.matters.add(id);
}

/** Reports schema errors and returns the instance paths that failed. */
function validateFile(file: ParsedFile, sink: DiagnosticSink): string[] {
  const errors = validateAgainstSchema(file.kind, file.value);
  for (const error of errors) {
    const diagnostic = schemaErrorToDiagnostic(error, file.path);
    if (diagnostic) sink.add(diagnostic);
  }
  return errors.map((e) => e.instancePath);
}

/** Splits failed paths into broken items of an array property and a broken root. */
function brokenItems(paths: string[], arrays: string[]): { root: boolean; items: Map<string, Set<number>> } {
  const items = new Map(arrays.map((a) => [a, new Set<number>()]));
  let root = false;
  for (const p of paths) {
    const m = /^\/((?:menu\/)?[a-zA-Z]+)\/(\d+)(?:\/|$)/.exec(p);
    const set = m ? items.get(m[1]!) : undefined;
    if (set) set.add(Number(m![2]));
    else root = true;
  }
  return { root, items };
}

function accountEntry(file: ParsedFile, paths: string[]): AccountEntry {
  const { root, items } = brokenItems(paths, ['menu/buttons', 'keywordResolutions']);
  const value = (isObject(file.value) ? file.value : {}) as Partial<Account>;
  const keep = <T>(list: unknown, broken: Set<number> | undefined) =>
    (Array.isArray(list) ? (list as T[]) : [])
      .map((item, index) => ({ index, item }))
      .filter(({ index }) => !broken?.has(index));
  return {
    id: typeof value.id === 'string' ? value.id : PRIMARY_ACCOUNT_ID,
    file: file.path,
    account: root ? undefined : (value as Account),
    slots: keep<MenuSlot>(value.menu?.buttons, items.get('menu/buttons')).map(({ index, item }) => ({ index, slot: item })),
    resolutions: keep<KeywordResolution>(value.keywordResolutions, items.get('keywordResolutions')).map(
      ({ index, item }) => ({ index, resolution: item }),
    ),
  };
}

function addTopic(model: CityModel, file: ParsedFile, paths: string[], sink: DiagnosticSink): void {
  const topic = file.value as Topic;
  if (paths.length > 0) {
    if (isObject(topic) && typeof topic.id === 'string') model.broken.topics.add(topic.id);
    return;
  }
  const first = model.topics.get(topic.id);
  if (first) {
    sink.error('DUPLICATE_TOPIC_ID', { file: file.path, pointer: '/id' }, `主题编号“${topic.id}”已在 ${first.file} 中使用`, {
      file: first.file,
      pointer: '/id',
    });
    return;
  }
  if (file.path !== `${topic.id}.json`) {
    sink.warning('TOPIC_FILE_NAME', { file: file.path, pointer: '/id' }, `主题文件名应与编号一致：${topic.id}.json`);
  }
  model.topics.set(topic.id, { file: file.path, topic });
}

/** A matter is used whole or not at all: half a form would mislead the citizen. */
function addMatter(model: CityModel, file: ParsedFile, paths: string[], sink: DiagnosticSink): void {
  const matter = file.value as Matter;
  if (paths.length > 0) {
    if (isObject(matter) && typeof matter.id === 'string') model.broken.matters.add(matter.id);
    return;
  }
  const first = model.matters.get(matter.id);
  if (first) {
    sink.error('DUPLICATE_MATTER_ID', { file: file.path, pointer: '/id' }, `一件事编号“${matter.id}”已在 ${first.file} 中使用`, { file: first.file, pointer: '/id' });
    return;
  }
  if (file.path !== `matters/${matter.id}.json`) {
    sink.warning('MATTER_FILE_NAME', { file: file.path, pointer: '/id' }, `一件事文件名应与编号一致：matters/${matter.id}.json`);
  }
  model.matters.set(matter.id, { file: file.path, matter });
}

function addDepartment(model: CityModel, file: ParsedFile, paths: string[], sink: DiagnosticSink): void {
  const department = file.value as Department;
  const { root, items } = brokenItems(paths, ['services', 'halls', 'answers']);
  if (root) {
    if (isObject(department) && typeof department.id === 'string') model.broken.departments.add(department.id);
    return;
  }
  const first = model.departments.get(department.id);
  if (first) {
    const message = `部门编号“${department.id}”已在 ${first.file} 中使用`;
    sink.error('DUPLICATE_DEPARTMENT_ID', { file: file.path, pointer: '/id' }, message, { file: first.file, pointer: '/id' });
    return;
  }
  if (file.path !== `departments/${department.id}.json`) {
    sink.warning('DEPARTMENT_FILE_NAME', { file: file.path, pointer: '/id' }, `部门文件名应与编号一致：departments/${department.id}.json`);
  }
  const entry: DepartmentEntry = { file: file.path, department, services: [], answers: [], halls: new Map(), brokenHalls: new Set() };
  const hallIndex = items.get('halls')!;
  for (const [i, hall] of department.halls.entries()) {
    const pointer = `/halls/${i}`;
    if (hallIndex.has(i)) {
      if (isObject(hall) && typeof hall.id === 'string') entry.brokenHalls.add(hall.id);
      continue;
    }
    const earlier = entry.halls.get(hall.id);
    if (earlier) {
      sink.error('DUPLICATE_HALL_ID', { file: file.path, pointer: `${pointer}/id` }, `大厅编号“${hall.id}”在本部门已使用`, {
        file: file.path,
        pointer: `${earlier.pointer}/id`,
      });
      continue;
    }
    const hallEntry: HallEntry = { ref: `${department.id}/${hall.id}`, hall, pointer };
    entry.halls.set(hall.id, hallEntry);
  }
  const serviceIndex = items.get('services')!;
  const seen = new Map<string, string>();
  for (const [i, service] of department.services.entries()) {
    const pointer = `/services/${i}`;
    const ref = `${department.id}/${service?.id}`;
    if (serviceIndex.has(i)) {
      if (isObject(service) && typeof service.id === 'string') model.broken.services.add(ref);
      continue;
    }
    const earlier = seen.get(service.id);
    if (earlier) {
      sink.error('DUPLICATE_SERVICE_ID', { file: file.path, pointer: `${pointer}/id` }, `服务编号“${service.id}”在本部门已使用`, {
        file: file.path,
        pointer: `${earlier}/id`,
      });
      continue;
    }
    seen.set(service.id, pointer);
    const serviceEntry = { ref, department: entry, service, pointer };
    entry.services.push(serviceEntry);
    model.services.set(ref, serviceEntry);
  }
  addAnswers(model, entry, items.get('answers')!, sink);
  model.departments.set(department.id, entry);
}

function addAnswers(model: CityModel, entry: DepartmentEntry, broken: Set<number>, sink: DiagnosticSink): void {
  const { department, file } = entry;
  const seen = new Map<string, string>();
  for (const [i, answer] of (department.answers ?? []).entries()) {
    const pointer = `/answers/${i}`;
    const ref = `${department.id}/${answer?.id}`;
    if (broken.has(i)) {
      if (isObject(answer) && typeof answer.id === 'string') model.broken.answers.add(ref);
      continue;
    }
    const earlier = seen.get(answer.id);
    if (earlier) {
      sink.error('DUPLICATE_ANSWER_ID', { file, pointer: `${pointer}/id` }, `固定答复编号“${answer.id}”在本部门已使用`, { file, pointer: `${earlier}/id` });
      continue;
    }
    seen.set(answer.id, pointer);
    const answerEntry = { ref, department: entry, answer, pointer };
    entry.answers.push(answerEntry);
    model.answers.set(ref, answerEntry);
  }
}

/** Data tables a query reads: data/<department>/<name>.csv or .json beside the department files. */
export function isTablePath(path: string): boolean {
  return /^data\/[^/]+\/[^/]+\.(csv|json)$/.test(path);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
