// A city of several accounts: what each account serves (its scope), which account is each
// service's one home, and the rules across accounts (an organising department per account, one
// account per department). A single-account city gets one plan without a scope: it serves everything.
import type { AccountEntry, AccountScope, CityModel } from './city-model.js';
import { compareStrings, type DiagnosticSink } from './diagnostics.js';
import { checkDepartmentRef } from './check-references.js';

export interface AccountPlan {
  entry: AccountEntry;
  scope?: AccountScope;
  /** Services this account serves whose home is another account: ref -> that account's id. */
  homes: Record<string, string>;
}

export function planAccounts(model: CityModel, sink: DiagnosticSink): AccountPlan[] {
  const entries = model.accounts.length > 0 ? model.accounts : [model.account];
  if (entries.length === 1) return [{ entry: entries[0]!, homes: {} }];
  checkOrganisers(model, entries, sink);
  const menuTopics = (entry: AccountEntry) => entry.slots.flatMap(({ slot }) => (slot.topic !== undefined ? [slot.topic] : (slot.topics ?? [])));
  const declared = entries.map((entry) => new Set([...(entry.account?.topics ?? menuTopics(entry)), ...menuTopics(entry)]));
  // The primary also takes every topic nobody else serves, and the services in no topic at all.
  const servedElsewhere = new Set(declared.slice(1).flatMap((set) => [...set]));
  if (entries[0]!.account?.topics === undefined) {
    for (const id of model.topics.keys()) if (!servedElsewhere.has(id)) declared[0]!.add(id);
  }
  const inSomeTopic = new Set([...model.topics.values()].flatMap(({ topic }) => topic.services));
  const scopes = entries.map((entry, i) => {
    const topics = declared[i]!;
    for (const [j, id] of (entry.account?.topics ?? []).entries()) {
      if (!model.topics.has(id) && !model.broken.topics.has(id)) sink.error('UNKNOWN_TOPIC', { file: entry.file, pointer: `/topics/${j}` }, `主题“${id}”不存在（没有 ${id}.json）`);
    }
    const services = new Set([...topics].flatMap((id) => model.topics.get(id)?.topic.services ?? []).filter((ref) => model.services.has(ref)));
    if (i === 0) for (const ref of model.services.keys()) if (!inSomeTopic.has(ref)) services.add(ref);
    const departments = new Set([...services].map((ref) => ref.split('/')[0]!));
    for (const id of [entry.account?.organiser, ...(entry.account?.cooperating ?? [])]) if (id !== undefined) departments.add(id);
    return { topics, services, departments } satisfies AccountScope;
  });
  // One service, one home: the first account serving it (the primary first, then by id).
  const home = new Map<string, string>();
  for (const [i, scope] of scopes.entries()) for (const ref of scope.services) if (!home.has(ref)) home.set(ref, entries[i]!.id);
  return entries.map((entry, i) => {
    const homes = Object.fromEntries(
      [...scopes[i]!.services]
        .filter((ref) => home.get(ref) !== entry.id)
        .sort(compareStrings)
        .map((ref) => [ref, home.get(ref)!]),
    );
    return { entry, scope: scopes[i]!, homes };
  });
}

/**
 * 国办发〔2018〕123号: each account names its organising unit, and a unit opens one account per platform.
 * account.json, the platform's own city account, may leave the organiser out; internal accounts do not count.
 */
function checkOrganisers(model: CityModel, entries: AccountEntry[], sink: DiagnosticSink): void {
  const byOrganiser = new Map<string, AccountEntry>();
  for (const entry of entries) {
    const account = entry.account;
    if (!account) continue;
    if (account.organiser === undefined) {
      // account.json is the platform's own city account: the platform team runs it.
      if (entry.file === 'account.json') continue;
      sink.error('ACCOUNT_ORGANISER_MISSING', { file: entry.file, pointer: '' }, `城市有多个公众号时，每个公众号都要写明开办单位（organiser：部门编号），“${account.name}”没有写`);
      continue;
    }
    checkDepartmentRef(model, account.organiser, { file: entry.file, pointer: '/organiser' }, '开办单位', sink);
    for (const [i, id] of (account.cooperating ?? []).entries()) checkDepartmentRef(model, id, { file: entry.file, pointer: `/cooperating/${i}` }, '配合部门', sink);
    // The rule is about the accounts citizens follow; a unit's internal staff account does not count.
    if (account.internal) continue;
    const first = byOrganiser.get(account.organiser);
    if (first) {
      const name = model.departments.get(account.organiser)?.department.name ?? account.organiser;
      const message = `${name}已开办公众号“${first.account?.name}”（${first.file}），又开办“${account.name}”：按国办发〔2018〕123号，同一单位在同一平台原则上只开设一个账号，请考虑合并或说明理由`;
      sink.warning('ACCOUNT_ORGANISER_TWICE', { file: entry.file, pointer: '/organiser' }, message, { file: first.file, pointer: '/organiser' });
    } else byOrganiser.set(account.organiser, entry);
  }
}
