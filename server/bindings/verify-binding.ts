// How a binding is verified: through the department's system (a connector the platform declared,
// the department's path and parameters filled with the citizen's fields), or accepted as declared.
import type { BuiltBindingKind } from '../builder/index.js';
import { QuerySourceError, ValidationError } from '../errors.js';
import { connectorRequest, type ConnectorCaller } from '../query/index.js';

export type Verification = { verifiedBy: 'declared' | 'connector'; data: Record<string, unknown> };

/** Throws ValidationError when the department's system does not know it, QuerySourceError when the system failed. */
export async function verifyBinding(connectors: ConnectorCaller | undefined, kind: BuiltBindingKind, fields: Record<string, string>): Promise<Verification> {
  const source = kind.verify.connector;
  if (!source) return { verifiedBy: 'declared', data: {} };
  if (!connectors) throw new QuerySourceError('暂时无法核验绑定信息，请稍后再试');
  const answer = await connectors.call(connectorRequest(source, fields));
  if (answer.kind === 'failed') throw new QuerySourceError(`暂时无法核验${kind.name}信息（部门系统暂不可用），请稍后再试`);
  if (answer.kind === 'not-found') {
    const labels = kind.fields.map((f) => f.label).join('、');
    throw new ValidationError(`核验未通过：填写的${labels}与部门系统记录不一致，请核对后重新填写`, kind.fields.map((f) => ({ field: f.name, label: f.label, message: '请核对' })));
  }
  return { verifiedBy: 'connector', data: answer.data };
}
