// Every keyword declared anywhere (or, in a city of several accounts, in what one account serves),
// as a claim on citizens' messages by one department.
import type { CityModel } from './city-model.js';
import type { SourceRef } from './diagnostics.js';
import type { KeywordTarget } from './types.js';
import type { Keyword } from '../model/index.js';
import { normalizeKeyword } from './normalize.js';

export interface KeywordClaim {
  text: string;
  normalized: string;
  match: 'exact' | 'contains';
  priority: number;
  /** Owning department: the service's, or the topic's lead department. */
  owner: string;
  target: Extract<KeywordTarget, { kind: 'service' } | { kind: 'topic' } | { kind: 'answer' } | { kind: 'matter' }>;
  /** service:<ref>, topic:<id> or answer:<ref>; claims with the same target never conflict. */
  targetKey: string;
  source: SourceRef;
  /** How a diagnostic names this claim's side, e.g. departments/shebao.json（社保局）服务“社保卡补办”. */
  label: string;
}

export function collectKeywordClaims(model: CityModel): KeywordClaim[] {
  const claims: KeywordClaim[] = [];
  const departmentName = (id: string) => model.departments.get(id)?.department.name ?? id;
  const { scope } = model;
  for (const department of model.departments.values()) {
    for (const entry of department.services) {
      if (scope && !scope.services.has(entry.ref)) continue;
      const label = `${department.file}（${department.department.name}）服务“${entry.service.name}”`;
      const target = { kind: 'service', service: entry.ref } as const;
      for (const [i, keyword] of (entry.service.keywords ?? []).entries()) {
        const source = { file: department.file, pointer: `${entry.pointer}/keywords/${i}` };
        claims.push(claim(keyword, department.department.id, target, `service:${entry.ref}`, source, label));
      }
    }
    for (const entry of department.answers) {
      if (scope && !scope.departments.has(department.department.id)) continue;
      const label = `${department.file}（${department.department.name}）固定答复“${entry.answer.name}”`;
      const target = { kind: 'answer', answer: entry.ref } as const;
      for (const [i, keyword] of (entry.answer.keywords ?? []).entries()) {
        const source = { file: department.file, pointer: `${entry.pointer}/keywords/${i}` };
        claims.push(claim(keyword, department.department.id, target, `answer:${entry.ref}`, source, label));
      }
    }
  }
  for (const { file, topic } of model.topics.values()) {
    if (scope && !scope.topics.has(topic.id)) continue;
    const label = `${file}（牵头部门 ${departmentName(topic.lead)}）主题“${topic.name}”`;
    const target = { kind: 'topic', topic: topic.id } as const;
    for (const [i, keyword] of (topic.keywords ?? []).entries()) {
      claims.push(claim(keyword, topic.lead, target, `topic:${topic.id}`, { file, pointer: `/keywords/${i}` }, label));
    }
  }
  // A matter's keywords are its lead department's claims, checked against everyone's like a service's.
  for (const { file, matter } of model.matters.values()) {
    // In a city of several accounts, a matter answers where its lead department is (its services' accounts).
    if (scope && !scope.departments.has(matter.lead)) continue;
    const label = `${file}（牵头部门 ${departmentName(matter.lead)}）一件事“${matter.name}”`;
    const target = { kind: 'matter', matter: matter.id } as const;
    for (const [i, keyword] of (matter.keywords ?? []).entries()) {
      claims.push(claim(keyword, matter.lead, target, `matter:${matter.id}`, { file, pointer: `/keywords/${i}` }, label));
    }
  }
  return claims;
}

function claim(
  keyword: Keyword,
  owner: string,
  target: KeywordClaim['target'],
  targetKey: string,
  source: SourceRef,
  label: string,
): KeywordClaim {
  return {
    text: keyword.text,
    normalized: normalizeKeyword(keyword.text),
    match: keyword.match ?? 'exact',
    priority: keyword.priority ?? 0,
    owner,
    target,
    targetKey,
    source,
    label,
  };
}

/** “社保”（contains） — the match type as the admin wrote it in the file. */
export function describeKeyword(c: KeywordClaim): string {
  return `关键词“${c.text}”（${c.match}）`;
}

/** True when `winner` matches every message `loser` matches: a loser by priority then never answers. */
export function covers(winner: KeywordClaim, loser: KeywordClaim): boolean {
  if (winner.match === 'contains') return loser.normalized.includes(winner.normalized);
  return loser.match === 'exact' && loser.normalized === winner.normalized;
}
