// The home page's search box: services, and cross-department matters (一件事), whose name, summary,
// department, topic or keywords match what the citizen typed, compared the way keywords are (NFKC,
// case, spaces ignored).
import { normalizeKeyword, type AccountBuild, type BuiltMatter, type BuiltService } from '../../builder/index.js';

export interface SearchHit {
  service: BuiltService;
  departmentName: string;
  /** Why it matched, for the result line. */
  why: string;
}

export interface MatterHit {
  matter: BuiltMatter;
  /** The lead department's name. */
  departmentName: string;
  why: string;
}

const MAX_HITS = 20;

/** What one entry offers the search: its names, keywords, department, topics and summary. */
interface Searchable {
  names: Array<string | undefined>;
  keywords: string[];
  departmentName: string;
  topicNames: string[];
  summary: string | undefined;
}

/** How well `q` matches (lower is better) and why, or undefined when it does not. */
function rank(q: string, entry: Searchable): [number, string] | undefined {
  const has = (text: string | undefined) => !!text && normalizeKeyword(text).includes(q);
  // A keyword inside the question ("我想补办社保卡" holds 补办社保卡) is as good as the question inside a name.
  const keyword = entry.keywords
    .filter((k) => has(k) || (normalizeKeyword(k).length >= 2 && q.includes(normalizeKeyword(k))))
    .sort((a, b) => b.length - a.length)[0];
  const topic = entry.topicNames.find(has);
  return entry.names.some(has) ? [0, '事项名称']
    : keyword ? [1, `关键词“${keyword}”`]
      : has(entry.departmentName) ? [2, `部门：${entry.departmentName}`]
        : topic ? [3, `主题：${topic}`]
          : has(entry.summary) ? [4, '事项说明'] : undefined;
}

/** Each keyword's text under every target it answers with, by kind: `service:<ref>`, `matter:<id>`. */
function keywordsByTarget(build: AccountBuild): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  const add = (key: string, text: string) => byTarget.set(key, [...(byTarget.get(key) ?? []), text]);
  for (const k of build.keywords) {
    const t = k.target;
    if (t.kind === 'service') add(`service:${t.service}`, k.text);
    else if (t.kind === 'matter') add(`matter:${t.matter}`, k.text);
    else if (t.kind === 'disambiguation') {
      for (const ref of t.services) add(`service:${ref}`, k.text);
      for (const id of t.matters ?? []) add(`matter:${id}`, k.text);
    }
  }
  return byTarget;
}

interface Ranked<T> {
  hit: T;
  rank: number;
  name: string;
}

/** Best first, then by name; at most MAX_HITS. */
function ranked<T>(hits: Array<Ranked<T>>): T[] {
  return hits
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, 'zh'))
    .slice(0, MAX_HITS)
    .map((r) => r.hit);
}

const departmentNameOf = (build: AccountBuild, id: string) => build.departments.find((d) => d.id === id)?.name ?? id;

export function searchServices(build: AccountBuild, query: string): SearchHit[] {
  const q = normalizeKeyword(query);
  if (!q) return [];
  const keywords = keywordsByTarget(build);
  const hits: Array<Ranked<SearchHit>> = [];
  for (const service of build.services) {
    const departmentName = departmentNameOf(build, service.department);
    const topicNames = build.topics.filter((t) => service.topics.includes(t.id)).map((t) => t.name);
    const match = rank(q, { names: [service.name, service.menuName], keywords: keywords.get(`service:${service.ref}`) ?? [], departmentName, topicNames, summary: service.summary });
    if (match) hits.push({ hit: { service, departmentName, why: match[1] }, rank: match[0], name: service.name });
  }
  return ranked(hits);
}

/** The matters the same search finds (the lead department counts as the matter's department). */
export function searchMatters(build: AccountBuild, query: string): MatterHit[] {
  const q = normalizeKeyword(query);
  if (!q) return [];
  const keywords = keywordsByTarget(build);
  const hits: Array<Ranked<MatterHit>> = [];
  for (const matter of build.matters ?? []) {
    const departmentName = departmentNameOf(build, matter.lead);
    const topicNames = build.topics.filter((t) => t.id === matter.topic).map((t) => t.name);
    const match = rank(q, { names: [matter.name, matter.menuName], keywords: keywords.get(`matter:${matter.id}`) ?? [], departmentName, topicNames, summary: matter.summary });
    if (match) hits.push({ hit: { matter, departmentName, why: match[1] }, rank: match[0], name: matter.name });
  }
  return ranked(hits);
}
