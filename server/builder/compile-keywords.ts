// Decides every keyword conflict (error, warning, priority or account-level resolution) and
// compiles the rules the gateway matches against.
import type { CityModel } from './city-model.js';
import type { CompiledKeyword } from './types.js';
import type { KeywordResolution } from '../model/index.js';
import { compareStrings, type DiagnosticSink, type SourceRef } from './diagnostics.js';
import { collectKeywordClaims, covers, describeKeyword, type KeywordClaim } from './keyword-claims.js';
import { capturersOf, findClaimPairs, indexClaims, type ClaimPair, type KeywordIndex } from './find-keyword-conflicts.js';
import { normalizeKeyword } from './normalize.js';

/** Owner of rules the platform decided (disambiguation): not a department id, so never confused with one. */
export const PLATFORM_OWNER = '@account';

interface ActiveResolution {
  resolution: KeywordResolution;
  source: SourceRef;
  claimants: KeywordClaim[];
  used: boolean;
}

const HINT = '。请改用不同的关键词或 priority，或请平台在 account.json 的 keywordResolutions 中裁决';

/** Platform approvals of a keyword winning over other departments by priority (strategy "priority"). */
interface PriorityApproval {
  source: SourceRef;
  keyword: string;
  used: boolean;
}

export function compileKeywords(model: CityModel, sink: DiagnosticSink): CompiledKeyword[] {
  const claims = collectKeywordClaims(model);
  const index = indexClaims(claims);
  const approvals = new Map<string, PriorityApproval>();
  const resolutions = activeResolutions(model, index, approvals, sink);
  const byPriority = new Set<KeywordClaim>();
  const beats = new Map<KeywordClaim, Set<string>>();
  for (const pair of findClaimPairs(index)) judgePair(pair, { resolutions, approvals, byPriority, beats }, sink);

  const compiled: CompiledKeyword[] = [];
  for (const c of claims) {
    if (resolutions.get(c.normalized)?.used) continue;
    compiled.push({
      text: c.text,
      normalized: c.normalized,
      match: c.match,
      priority: c.priority,
      owner: c.owner,
      target: c.target,
      source: c.source,
      ...(byPriority.has(c) ? { resolution: 'priority' as const } : {}),
      ...(beats.has(c) ? { beats: [...beats.get(c)!].sort(compareStrings) } : {}),
    });
  }
  for (const approval of approvals.values()) {
    if (!approval.used) sink.warning('KEYWORD_RESOLUTION_UNUSED', approval.source, `关键词“${approval.keyword}”没有靠优先级胜过其他部门的关键词，这条批准没有用到`);
  }
  for (const [normalized, active] of resolutions) {
    if (active.used) compiled.push(resolvedRule(normalized, active));
    else sink.warning('KEYWORD_RESOLUTION_UNUSED', active.source, `关键词“${active.resolution.keyword}”没有跨部门冲突，这条裁决没有用到`);
  }
  return compiled.sort(compareCompiled);
}

function activeResolutions(model: CityModel, index: KeywordIndex, approvals: Map<string, PriorityApproval>, sink: DiagnosticSink): Map<string, ActiveResolution> {
  const active = new Map<string, ActiveResolution>();
  for (const { index: i, resolution } of model.account.resolutions) {
    const source = { file: model.account.file, pointer: `/keywordResolutions/${i}` };
    const normalized = normalizeKeyword(resolution.keyword);
    if (resolution.strategy === 'priority') {
      if (approvals.has(normalized)) sink.error('KEYWORD_RESOLUTION_DUPLICATE', source, `关键词“${resolution.keyword}”已有一条优先级批准`, approvals.get(normalized)!.source);
      else approvals.set(normalized, { source, keyword: resolution.keyword, used: false });
      continue;
    }
    if (active.has(normalized)) {
      sink.error('KEYWORD_RESOLUTION_DUPLICATE', source, `关键词“${resolution.keyword}”已有一条裁决`, active.get(normalized)!.source);
      continue;
    }
    const own = index.byText.get(normalized) ?? [];
    const claimants = [...own, ...capturersOf(index, normalized)];
    if (resolution.strategy === 'prefer') {
      if (!resolution.prefer) {
        sink.error('KEYWORD_RESOLUTION_INVALID', source, '裁决方式为 prefer 时必须用“prefer”指定由哪个服务回答');
        continue;
      }
      const preferred = (c: KeywordClaim) => c.targetKey === `service:${resolution.prefer}` || c.targetKey === `answer:${resolution.prefer}`;
      if (own.length > 0 && !claimants.some(preferred)) {
        const at = { ...source, pointer: `${source.pointer}/prefer` };
        sink.error('KEYWORD_RESOLUTION_INVALID', at, `服务“${resolution.prefer}”并没有能匹配“${resolution.keyword}”的关键词`);
        continue;
      }
    }
    active.set(normalized, { resolution, source, claimants, used: false });
  }
  return active;
}

interface Judgement {
  resolutions: Map<string, ActiveResolution>;
  approvals: Map<string, PriorityApproval>;
  byPriority: Set<KeywordClaim>;
  beats: Map<KeywordClaim, Set<string>>;
}

function judgePair(pair: ClaimPair, judgement: Judgement, sink: DiagnosticSink): void {
  const { resolutions, approvals, byPriority, beats } = judgement;
  const { captured: x, other: y, relation } = pair;
  if (x.targetKey === y.targetKey) {
    if (relation === 'same') sink.warning('KEYWORD_DUPLICATE', x.source, `${describeKeyword(x)}与同一${subjectOf(x)}的${describeKeyword(y)}重复`, y.source);
    return;
  }
  const resolution = resolutions.get(pair.contested);
  if (resolution) {
    resolution.used = true;
    return;
  }
  if (x.priority !== y.priority) {
    const [winner, loser] = x.priority > y.priority ? [x, y] : [y, x];
    if (winner.owner !== loser.owner) {
      // Across departments a priority takes another department's traffic: the platform decides.
      const approval = approvals.get(winner.normalized);
      if (!approval) {
        const message = `${describeKeyword(winner)}靠优先级（${winner.priority} > ${loser.priority}）胜过 ${loser.label}的${describeKeyword(loser)}，跨部门的优先级须经平台批准：请平台在 account.json 的 keywordResolutions 中添加 { "keyword": "${winner.text}", "strategy": "priority" }，或改用不同的关键词`;
        sink.error('KEYWORD_PRIORITY_UNAPPROVED', winner.source, message, loser.source);
        return;
      }
      approval.used = true;
      beats.set(winner, (beats.get(winner) ?? new Set()).add(loser.owner));
    }
    byPriority.add(x).add(y);
    if (covers(winner, loser)) {
      const message = `${describeKeyword(loser)}不会生效：${winner.label}的${describeKeyword(winner)}优先级更高（${winner.priority} > ${loser.priority}）`;
      sink.warning('KEYWORD_UNREACHABLE', loser.source, message, winner.source);
    }
    return;
  }
  if (x.owner === y.owner) {
    sink.warning('KEYWORD_DUPLICATE', x.source, `${sentence(pair, 'captured')}（同一部门内，建议合并或设置 priority）`, y.source);
    return;
  }
  sink.error('KEYWORD_CONFLICT', x.source, sentence(pair, 'captured') + HINT, y.source);
  sink.error('KEYWORD_CONFLICT', y.source, sentence(pair, 'other') + HINT, x.source);
}

/** The conflict told from one side: `side` is the claim whose file the diagnostic is in. */
function sentence(pair: ClaimPair, side: 'captured' | 'other'): string {
  const [self, peer] = side === 'captured' ? [pair.captured, pair.other] : [pair.other, pair.captured];
  const peerText = `${peer.label}的${describeKeyword(peer)}`;
  if (pair.relation === 'same') return `${describeKeyword(self)}与 ${peerText}相同，会抢答同一条消息`;
  return side === 'captured'
    ? `${describeKeyword(self)}会被 ${peerText}截获`
    : `${describeKeyword(self)}会截获 ${peerText}`;
}

function subjectOf(c: KeywordClaim): string {
  return c.target.kind === 'service' ? '服务' : c.target.kind === 'answer' ? '固定答复' : c.target.kind === 'matter' ? '一件事' : '主题';
}

function resolvedRule(normalized: string, active: ActiveResolution): CompiledKeyword {
  const { resolution, claimants, source } = active;
  const own = claimants.filter((c) => c.normalized === normalized);
  const base = {
    text: resolution.keyword,
    normalized,
    match: own.some((c) => c.match === 'contains') ? ('contains' as const) : ('exact' as const),
    priority: Math.max(...claimants.map((c) => c.priority)),
    source,
    resolution: resolution.strategy,
  };
  if (resolution.strategy === 'prefer') {
    const ref = resolution.prefer!;
    const isAnswer = claimants.some((c) => c.targetKey === `answer:${ref}`);
    return { ...base, owner: ref.split('/')[0]!, target: isAnswer ? { kind: 'answer', answer: ref } : { kind: 'service', service: ref } };
  }
  const services = unique(claimants.flatMap((c) => (c.target.kind === 'service' ? [c.target.service] : [])));
  const topics = unique(claimants.flatMap((c) => (c.target.kind === 'topic' ? [c.target.topic] : [])));
  const answers = unique(claimants.flatMap((c) => (c.target.kind === 'answer' ? [c.target.answer] : [])));
  const matters = unique(claimants.flatMap((c) => (c.target.kind === 'matter' ? [c.target.matter] : [])));
  const others = { ...(topics.length ? { topics } : {}), ...(answers.length ? { answers } : {}), ...(matters.length ? { matters } : {}) };
  return { ...base, owner: PLATFORM_OWNER, target: { kind: 'disambiguation', services, ...others } };
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

function compareCompiled(a: CompiledKeyword, b: CompiledKeyword): number {
  return (
    compareStrings(a.normalized, b.normalized) ||
    compareStrings(a.owner, b.owner) ||
    compareStrings(a.match, b.match) ||
    compareStrings(a.source.file, b.source.file) ||
    compareStrings(a.source.pointer, b.source.pointer)
  );
}
