// The home page's search box: services whose name, summary, department, topic or keywords
// match what the citizen typed, compared the way keywords are (NFKC, case, spaces ignored).
import { normalizeKeyword, type AccountBuild, type BuiltService } from '../../builder/index.js';

export interface SearchHit {
  service: BuiltService;
  departmentName: string;
  /** Why it matched, for the result line. */
  why: string;
}

const MAX_HITS = 20;

export function searchServices(build: AccountBuild, query: string): SearchHit[] {
  const q = normalizeKeyword(query);
  if (!q) return [];
  const keywordsOf = new Map<string, string[]>();
  for (const k of build.keywords) {
    const refs = k.target.kind === 'service' ? [k.target.service] : k.target.kind === 'disambiguation' ? k.target.services : [];
    for (const ref of refs) keywordsOf.set(ref, [...(keywordsOf.get(ref) ?? []), k.text]);
  }
  const hits: Array<SearchHit & { rank: number }> = [];
  for (const service of build.services) {
    const department = build.departments.find((d) => d.id === service.department);
    const departmentName = department?.name ?? service.department;
    const topics = build.topics.filter((t) => service.topics.includes(t.id));
    const has = (text: string | undefined) => !!text && normalizeKeyword(text).includes(q);
    // A keyword inside the question ("我想补办社保卡" holds 补办社保卡) is as good as the question inside a name.
    const keyword = (keywordsOf.get(service.ref) ?? [])
      .filter((k) => has(k) || (normalizeKeyword(k).length >= 2 && q.includes(normalizeKeyword(k))))
      .sort((a, b) => b.length - a.length)[0];
    const match: [number, string] | undefined =
      has(service.name) || has(service.menuName) ? [0, '事项名称']
        : keyword ? [1, `关键词“${keyword}”`]
          : has(departmentName) ? [2, `部门：${departmentName}`]
            : topics.some((t) => has(t.name)) ? [3, `主题：${topics.find((t) => has(t.name))!.name}`]
              : has(service.summary) ? [4, '事项说明'] : undefined;
    if (match) hits.push({ service, departmentName, why: match[1], rank: match[0] });
  }
  return hits
    .sort((a, b) => a.rank - b.rank || a.service.name.localeCompare(b.service.name, 'zh'))
    .slice(0, MAX_HITS)
    .map(({ rank: _rank, ...hit }) => hit);
}
