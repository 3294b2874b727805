// The builder's entry point: city files in, one account build out. Pure: no disk, no clock, no env.
// It always returns a build; parts that failed validation are left out and explained in diagnostics.
import type { Account, AccountBuild, Diagnostic, MenuKeyTarget } from './types.js';
import type { CityFiles } from './load-city.js';
import type { CityModel } from './city-model.js';
import { compareDiagnostics, compareStrings, DiagnosticSink, type PendingDiagnostic } from './diagnostics.js';
import { loadCityModel } from './load-city-model.js';
import { checkDepartments } from './check-department.js';
import { checkReferences } from './check-references.js';
import { compileKeywords } from './compile-keywords.js';
import { buildMenu } from './build-menu.js';
import { checkMenuLimits } from './check-menu-limits.js';
import { buildCatalog } from './build-catalog.js';
import { buildAnswers, checkMenuExtras } from './build-answers.js';
import { checkQueries } from './check-queries.js';
import { checkBindings } from './check-bindings.js';
import { checkMatters } from './check-matters.js';
import { checkBroadcasts } from './check-broadcasts.js';
import { checkNotices } from './check-notices.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

export interface BuildOptions {
  /** Where the H5 pages live, e.g. https://gov.example.cn; menu view buttons link under it. */
  publicBaseUrl: string;
}

/** Stand-in when account.json is missing or broken: the build then has errors and is never published. */
const EMPTY_ACCOUNT: Account = {
  name: '',
  type: 'service',
  welcome: '',
  defaultReply: '',
  desk: { hours: {} },
  calendar: { holidays: [], workdays: [] },
  badReviewDeadlineDays: 1,
  menu: { buttons: [] },
};

export function buildAccount(files: CityFiles, options: BuildOptions): AccountBuild {
  const publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
  const sink = new DiagnosticSink();
  const model = loadCityModel(files, sink);
  checkDepartments(model, sink);
  checkReferences(model, sink);
  const keywords = compileKeywords(model, sink);
  const answers = buildAnswers(model, publicBaseUrl, sink);
  checkMenuExtras(model, sink);
  const tables = checkQueries(model, sink);
  const bindings = checkBindings(model, sink);
  const matters = checkMatters(model, publicBaseUrl, sink);
  checkBroadcasts(model, sink);
  const { notices, reminders } = checkNotices(model, publicBaseUrl, sink);
  const assembly = buildMenu({
    accountFile: model.account.file,
    slots: model.account.slots,
    topics: model.topics,
    services: model.services,
    publicBaseUrl,
    matters: matters.map((m) => ({ file: model.matters.get(m.id)!.file, matter: m })),
  });
  checkMenuLimits(assembly, sink);
  const catalog = buildCatalog(model, publicBaseUrl);
  const { $schema: _schema, menu: _menu, keywordResolutions: _resolutions, ...account } = model.account.account ?? EMPTY_ACCOUNT;
  const build: AccountBuild = {
    formatVersion: 1,
    hash: '',
    publicBaseUrl,
    account,
    menu: assembly.menu,
    menuKeys: sortKeys(assembly.menuKeys),
    keywords,
    ...catalog,
    answers,
    tables,
    ...(bindings.length > 0 ? { bindings } : {}),
    ...(matters.length > 0 ? { matters } : {}),
    ...(notices.length || reminders.length ? { notices, reminders } : {}),
    diagnostics: resolveDiagnostics(sink.items, model),
  };
  build.hash = buildHash(build);
  return build;
}

/** sha256 of the canonical JSON of the build without its hash. */
export function buildHash(build: AccountBuild): string {
  const { hash: _hash, ...rest } = build;
  return sha256Hex(canonicalJson(rest));
}

/** Gives each diagnostic its line:column (building parse trees only for files that have problems). */
function resolveDiagnostics(items: PendingDiagnostic[], model: CityModel): Diagnostic[] {
  const position = (file: string, pointer: string, atKey?: boolean) =>
    model.files.get(file)?.locate(pointer, atKey) ?? { line: 1, column: 1 };
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const item of items) {
    const at = item.position ?? position(item.at.file, item.at.pointer, item.atKey);
    const diagnostic: Diagnostic = {
      severity: item.severity,
      code: item.code,
      file: item.at.file,
      line: at.line,
      column: at.column,
      pointer: item.at.pointer,
      message: item.message,
    };
    if (item.related) {
      const r = position(item.related.file, item.related.pointer);
      diagnostic.related = { file: item.related.file, pointer: item.related.pointer, line: r.line, column: r.column };
    }
    // A topic shown twice in the menu would repeat the same finding; report it once.
    const key = `${diagnostic.file}\n${diagnostic.pointer}\n${diagnostic.code}\n${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diagnostic);
  }
  return out.sort(compareDiagnostics);
}

function sortKeys(keys: Record<string, MenuKeyTarget>): Record<string, MenuKeyTarget> {
  return Object.fromEntries(Object.entries(keys).sort(([a], [b]) => compareStrings(a, b)));
}

export { hasErrors, formatDiagnostic } from './diagnostics.js';
