// The builder's entry point: city files in, one build per account out. Pure: no disk, no clock, no env.
// It always returns a build; parts that failed validation are left out and explained in diagnostics.
import { shareStrings } from './share-strings.js';
import type { Account, AccountBuild, Diagnostic, MenuKeyTarget, SiblingAccount } from './types.js';
import { NotFoundError } from '../errors.js';
import type { CityFiles } from './load-city.js';
import type { CityModel } from './city-model.js';
import { compareDiagnostics, compareStrings, DiagnosticSink, type PendingDiagnostic } from './diagnostics.js';
import { loadCityModel } from './load-city-model.js';
import { checkDepartments } from './check-department.js';
import { checkAccountReferences, checkTopicReferences } from './check-references.js';
import { planAccounts, type AccountPlan } from './plan-accounts.js';
import { checkAccountCapabilities } from './check-account-capabilities.js';
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
  /** Which account of a several-account city to build; the primary one when left out. */
  account?: string;
}

/** Every account of a city built from the same files. */
export interface CityBuild {
  /** Id of the primary account (account.json, else the first of accounts/). */
  primary: string;
  /** The primary first, then the accounts in accounts/ by id. */
  accounts: AccountBuild[];
  /** Every account's diagnostics once, account-specific ones naming their account. */
  diagnostics: Diagnostic[];
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

interface Prepared {
  model: CityModel;
  city: PendingDiagnostic[];
  plans: AccountPlan[];
  publicBaseUrl: string;
}

function prepare(files: CityFiles, options: BuildOptions): Prepared {
  const publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
  const sink = new DiagnosticSink();
  const model = loadCityModel(files, sink);
  checkDepartments(model, sink);
  checkTopicReferences(model, sink);
  const plans = planAccounts(model, sink);
  return { model, city: sink.items, plans, publicBaseUrl };
}

/** One account's build (the primary's unless options.account names another). */
export function buildAccount(files: CityFiles, options: BuildOptions): AccountBuild {
  const prepared = prepare(files, options);
  const plan = options.account === undefined ? prepared.plans[0] : prepared.plans.find((p) => p.entry.id === options.account);
  if (!plan) throw new NotFoundError(`没有编号为“${options.account}”的公众号`);
  return buildPlanned(prepared, plan);
}

/** Every account's build: menus, keyword tables, conflicts and resolutions per account. */
export function buildCity(files: CityFiles, options: BuildOptions): CityBuild {
  const prepared = prepare(files, options);
  const accounts = prepared.plans.map((plan) => buildPlanned(prepared, plan));
  const seen = new Set<string>();
  const diagnostics = accounts
    .flatMap((b) => b.diagnostics)
    .filter((d) => {
      const key = `${d.account ?? ''}\n${d.file}\n${d.pointer}\n${d.code}\n${d.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort(compareDiagnostics);
  return { primary: prepared.plans[0]!.entry.id, accounts, diagnostics };
}

function buildPlanned({ model: city, city: cityItems, plans, publicBaseUrl }: Prepared, plan: AccountPlan): AccountBuild {
  const sink = new DiagnosticSink();
  const model: CityModel = { ...city, account: plan.entry, ...(plan.scope ? { scope: plan.scope } : {}) };
  checkAccountReferences(model, sink);
  checkAccountCapabilities(model, plan.homes, sink);
  const keywords = compileKeywords(model, sink);
  const answers = buildAnswers(model, publicBaseUrl, sink);
  checkMenuExtras(model, sink);
  const tables = checkQueries(model, sink);
  const bindings = checkBindings(model, sink);
  const matters = checkMatters(model, publicBaseUrl, sink);
  checkBroadcasts(model, sink);
  // Template notices go out through a service account: checked and published with the primary only
  // (accounts without template messages have no template ids to check them against).
  const { notices, reminders } = plan === plans[0] ? checkNotices(model, publicBaseUrl, sink) : { notices: [], reminders: [] };
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
  const several = plans.length > 1;
  // In a city of several accounts every account-level finding names its account.
  // Messages written for account.json point at this account's own file.
  const file = plan.entry.file;
  const own = several
    ? sink.items.map((item) => ({ ...item, account: plan.entry.id, message: file === 'account.json' ? item.message : item.message.replaceAll('account.json 的', `${file} 的`) }))
    : sink.items;
  const build: AccountBuild = {
    formatVersion: 1,
    hash: '',
    publicBaseUrl,
    account: { ...account, id: plan.entry.id },
    menu: assembly.menu,
    menuKeys: sortKeys(assembly.menuKeys),
    keywords,
    ...catalog,
    answers,
    tables,
    ...(bindings.length > 0 ? { bindings } : {}),
    ...(matters.length > 0 ? { matters } : {}),
    ...(notices.length || reminders.length ? { notices, reminders } : {}),
    ...(several ? { siblings: siblingsOf(plans, plan), homes: plan.homes } : {}),
    diagnostics: resolveDiagnostics([...cityItems, ...own], model),
  };
  build.hash = buildHash(build);
  return shareStrings(build);
}

function siblingsOf(plans: AccountPlan[], self: AccountPlan): SiblingAccount[] {
  return plans
    .filter((p) => p !== self && p.entry.account)
    .map(({ entry }) => {
      const a = entry.account!;
      return { id: entry.id, name: a.name, type: a.type, ...(a.organiser !== undefined ? { organiser: a.organiser } : {}), internal: a.internal ?? false };
    });
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
      ...(item.account !== undefined ? { account: item.account } : {}),
    };
    if (item.related) {
      const r = position(item.related.file, item.related.pointer);
      diagnostic.related = { file: item.related.file, pointer: item.related.pointer, line: r.line, column: r.column };
    }
    // A topic shown twice in the menu would repeat the same finding; report it once.
    const key = `${diagnostic.account ?? ''}\n${diagnostic.file}\n${diagnostic.pointer}\n${diagnostic.code}\n${diagnostic.message}`;
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
