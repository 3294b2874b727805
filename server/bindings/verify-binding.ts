// How a binding is verified: through the department's system (a connector the platform declared,
// the department's path and parameters filled with the citizen's fields), or accepted as declared.
// The same question asked again later refreshes the binding's data (refresh-binding.ts).
import type { BuiltBindingKind } from '../builder/index.js';
import { QuerySourceError, ValidationError } from '../errors.js';
import { connectorRequest, type ConnectorCaller } from '../query/index.js';

export type Verification = { verifiedBy: 'declared' | 'connector'; data: Record<string, unknown> };

/** What the kind's verifying system answers for these fields; reason is the connector's (Chinese, nothing personal). */
export type SystemAnswer = { kind: 'found'; data: Record<string, unknown> } | { kind: 'not-found' } | { kind: 'failed'; reason: string };

/** Asks the kind's verifying connector about these fields (the kind must have one). */
export async function askVerifyingSystem(connectors: ConnectorCaller | undefined, kind: BuiltBindingKind, fields: Record<string, string>): Promise<SystemAnswer> {
  const source = kind.verify.connector;
  if (!source) return { kind: 'failed', reason: `${kind.name}按市民填写的信息登记，不经部门系统核验` };
  if (!connectors) return { kind: 'failed', reason: '未接入部门系统接口' };
  const answer = await connectors.call(connectorRequest(source, fields));
  if (answer.kind === 'failed') return { kind: 'failed', reason: answer.reason };
  if (answer.kind === 'not-found') return { kind: 'not-found' };
  return { kind: 'found', data: answer.data };
}

/** Throws ValidationError when the department's system does not know it, QuerySourceError when the system failed. */
export async function verifyBinding(connectors: ConnectorCaller | undefined, kind: BuiltBindingKind, fields: Record<string, string>): Promise<Verification> {
  if (!kind.verify.connector) return { verifiedBy: 'declared', data: {} };
  if (!connectors) throw new QuerySourceError('暂时无法核验绑定信息，请稍后再试');
  const answer = await askVerifyingSystem(connectors, kind, fields);
  if (answer.kind === 'failed') throw new QuerySourceError(`暂时无法核验${kind.name}信息（部门系统暂不可用），请稍后再试`);
  if (answer.kind === 'not-found') {
    const labels = kind.fields.map((f) => f.label).join('、');
    throw new ValidationError(`核验未通过：填写的${labels}与部门系统记录不一致，请核对后重新填写`, kind.fields.map((f) => ({ field: f.name, label: f.label, message: '请核对' })));
  }
  return { verifiedBy: 'connector', data: answer.data };
}
