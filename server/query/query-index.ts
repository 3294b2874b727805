// What queries need per account build, prepared once per build (and again after a publish): the
// services that declare a query, their chat patterns in answering order, compiled reply templates.
import Handlebars from 'handlebars';
import type { AccountBuild, BuiltDepartment, BuiltService } from '../builder/index.js';
import type { QueryStep } from '../model/index.js';
import { compilePattern, PatternError, type CompiledPattern } from '../patterns/index.js';
import { createKeptAnswers, type KeptAnswers } from './kept-answers.js';
import { readFollowUp } from './query-inputs.js';

export interface IndexedQuery {
  service: BuiltService;
  /** The service's department (its name and hotline go into replies), looked up once per build. */
  department?: BuiltDepartment;
  query: QueryStep;
  render: { found: Template; notFound: Template; failed?: Template };
  /** table:<file> or connector:<id> */
  source: string;
  /** Table queries without a result page: their answers, kept for the build's life (kept-answers.ts). */
  kept?: KeptAnswers;
}

export type Template = (context: object) => string;

export interface ChatRule {
  ref: string;
  pattern: CompiledPattern;
  priority: number;
}

export interface QueryIndex {
  build: AccountBuild;
  queries: Map<string, IndexedQuery>;
  /** Every query's chat patterns: higher priority first, then declaration order. */
  chat: ChatRule[];
}

const hbs = Handlebars.create();
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
// {{inc @index}}: lists in replies count from 1.
hbs.registerHelper('inc', (n: unknown) => Number(n) + 1);

const cache = new WeakMap<AccountBuild, QueryIndex>();

export function queryIndexOf(build: AccountBuild): QueryIndex {
  let index = cache.get(build);
  if (!index) cache.set(build, (index = indexQueries(build)));
  return index;
}

function indexQueries(build: AccountBuild): QueryIndex {
  const queries = new Map<string, IndexedQuery>();
  const chat: (ChatRule & { order: number })[] = [];
  const departments = new Map<string, BuiltDepartment>();
  for (const d of build.departments) if (!departments.has(d.id)) departments.set(d.id, d);
  for (const service of build.services) {
    const query = service.steps.query;
    if (!query || query.online === false) continue;
    const compile = (source: string): Template => hbs.compile(source, { noEscape: true, strict: false, knownHelpersOnly: false });
    const department = departments.get(service.department);
    queries.set(service.ref, {
      service,
      ...(department ? { department } : {}),
      query,
      render: {
        found: compile(query.reply.found),
        notFound: compile(query.reply.notFound),
        ...(query.reply.failed ? { failed: compile(query.reply.failed) } : {}),
      },
      source: query.source.table ? `table:${query.source.table.file}` : `connector:${query.source.connector?.connector ?? ''}`,
      ...(query.source.table && !query.reply.page ? { kept: createKeptAnswers() } : {}),
    });
    for (const source of query.chat?.patterns ?? []) {
      const pattern = compilePattern(source);
      // The builder refuses invalid patterns; one that slipped into an old build is skipped.
      if (pattern instanceof PatternError) continue;
      chat.push({ ref: service.ref, pattern, priority: query.chat?.priority ?? 0, order: chat.length });
    }
  }
  chat.sort((a, b) => b.priority - a.priority || a.order - b.order);
  return { build, queries, chat: chat.map(({ order: _order, ...rule }) => rule) };
}

/** Longer messages are not lookups; the cap also bounds the (linear) matching cost. */
export const MAX_CHAT_LENGTH = 100;

/** Full-width forms folded (ＡＢ１ → AB1), runs of spaces as one, trimmed; case is kept (plates). */
export function chatText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, MAX_CHAT_LENGTH);
}

/** The first chat rule matching the message, with the inputs its named groups captured. */
export function matchChat(index: QueryIndex, text: string): { ref: string; inputs: Record<string, string>; pattern: string } | undefined {
  if (index.chat.length === 0) return undefined;
  const message = chatText(text);
  if (!message) return undefined;
  for (const rule of index.chat) {
    const m = rule.pattern.exec(message);
    if (!m) continue;
    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(m.groups)) if (value !== undefined && value !== '') inputs[name] = value;
    return { ref: rule.ref, inputs, pattern: rule.pattern.source };
  }
  return undefined;
}

/** The inputs a follow-up message gives the query `ref`, when they check out. */
export function followUpInputs(build: AccountBuild, ref: string, text: string, now: Date): Record<string, string> | undefined {
  const entry = queryIndexOf(build).queries.get(ref);
  return entry && readFollowUp(entry.query, chatText(text), now, ref);
}
