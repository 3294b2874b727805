// The merged account as a citizen's phone shows it: the menu bar with names cut at WeChat's
// display width, the keyword table with the department owning each rule, and what is wrong.
import type { AccountBuild, CompiledKeyword, Diagnostic, MenuButton } from '../builder/index.js';
import { displayName } from './display-name.js';

export interface PreviewButton {
  name: string;
  /** As drawn: cut with "..." past 4 (top) or 8 (sub-menu) 汉字. */
  shown: string;
  truncated: boolean;
  /** click / view / location_select, '' for a button that opens a sub-menu. */
  type: string;
  /** The click key or view url. */
  target: string;
  subs: PreviewButton[];
}

export interface PreviewKeyword {
  text: string;
  match: string;
  priority: number;
  owner: string;
  ownerName: string;
  answer: string;
  resolution?: string;
  source: string;
}

export interface PhonePreview {
  accountName: string;
  buttons: PreviewButton[];
  keywords: PreviewKeyword[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
  hash: string;
}

function previewButton(button: MenuButton, level: 'top' | 'sub'): PreviewButton {
  const shown = displayName(button.name, level);
  const base = { name: button.name, shown, truncated: shown !== button.name };
  if ('sub_button' in button) {
    return { ...base, type: '', target: '', subs: button.sub_button.map((b) => previewButton(b, 'sub')) };
  }
  return { ...base, type: button.type, target: 'url' in button ? button.url : button.key, subs: [] };
}

function answerOf(k: CompiledKeyword, build: AccountBuild): string {
  const t = k.target;
  if (t.kind === 'service') return `服务：${build.services.find((s) => s.ref === t.service)?.name ?? t.service}`;
  if (t.kind === 'topic') return `主题：${build.topics.find((x) => x.id === t.topic)?.name ?? t.topic}`;
  if (t.kind === 'answer') return `固定答复：${build.answers?.find((a) => a.ref === t.answer)?.name ?? t.answer}`;
  if (t.kind === 'matter') return `一件事：${build.matters?.find((m) => m.id === t.matter)?.name ?? t.matter}`;
  return `多部门选择：${t.services.map((ref) => build.services.find((s) => s.ref === ref)?.name ?? ref).join('、')}`;
}

const RESOLUTION_NAMES: Record<string, string> = { disambiguate: '平台裁定：列出各部门', prefer: '平台裁定：指定服务', priority: '按优先级' };

export function phonePreview(build: AccountBuild): PhonePreview {
  const names = new Map(build.departments.map((d) => [d.id, d.name]));
  return {
    accountName: build.account?.name ?? '',
    buttons: build.menu.button.map((b) => previewButton(b, 'top')),
    keywords: build.keywords.map((k) => ({
      text: k.text,
      match: k.match === 'exact' ? '完全匹配' : '包含',
      priority: k.priority,
      owner: k.owner,
      ownerName: names.get(k.owner) ?? k.owner,
      answer: answerOf(k, build),
      ...(k.resolution ? { resolution: RESOLUTION_NAMES[k.resolution] ?? k.resolution } : {}),
      source: `${k.source.file} ${k.source.pointer}`,
    })),
    errors: build.diagnostics.filter((d) => d.severity === 'error'),
    warnings: build.diagnostics.filter((d) => d.severity === 'warning'),
    hash: build.hash,
  };
}
