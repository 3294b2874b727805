// Sealing and opening one stored binding, and the view readers get (with masked values for staff).
import type { AccountBuild } from '../builder/index.js';
import type { Vault } from '../vault/index.js';
import { kindOf, type BindingRecord, type BindingView, type SealedContent } from './binding-types.js';
import { sealContext } from './binding-key.js';
import { maskValue } from './mask-value.js';

export function sealContent(vault: Vault, id: string, content: SealedContent): string {
  return vault.seal(JSON.stringify(content), sealContext(id));
}

export function openContent(vault: Vault, record: BindingRecord): SealedContent {
  const parsed = JSON.parse(vault.open(record.sealed, sealContext(record.id))) as Partial<SealedContent>;
  return { fields: parsed.fields ?? {}, data: parsed.data ?? {} };
}

export function openBinding(vault: Vault, build: AccountBuild, record: BindingRecord): BindingView {
  const { fields, data } = openContent(vault, record);
  const kind = kindOf(build, record.department, record.kind);
  const fieldOf = (name: string) => kind?.fields.find((f) => f.name === name);
  const masked = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, maskValue(fieldOf(name), value)]));
  // The label shows what a select says (小型汽车) and the key, masked: enough to tell two cars apart.
  const shown = kind ? [...kind.fields.filter((f) => f.type === 'select').map((f) => f.name), ...kind.key.filter((n) => fieldOf(n)?.type !== 'select')] : Object.keys(fields);
  const kindName = kind?.name ?? record.kind;
  const label = [kindName, ...shown.map((n) => masked[n]).filter(Boolean)].join(' ');
  const key = (kind?.key ?? []).map((n) => fields[n] ?? '').join(':');
  return {
    id: record.id,
    openid: record.openid,
    ...(record.account ? { account: record.account } : {}),
    department: record.department,
    kind: record.kind,
    kindName,
    key,
    fields,
    masked,
    label,
    data,
    verifiedBy: record.verifiedBy,
    createdAt: record.createdAt,
    verifiedAt: record.verifiedAt,
    ...(record.dataUpdatedAt ? { dataUpdatedAt: record.dataUpdatedAt } : {}),
    ...(record.goneOn ? { goneOn: record.goneOn } : {}),
  };
}
