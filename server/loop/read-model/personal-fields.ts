// Which answers the loop stores are personal enough to seal at rest: the ID numbers and phone
// numbers of application forms and appointment pre-check forms, by the service's declared field
// types. The composition root hands these rules to the vault's sealing store.
import type { AccountBuild } from '../../builder/index.js';
import type { Doc } from '../../store/index.js';
import { APPLICATIONS } from '../applications/application-types.js';
import type { FormField } from '../../model/index.js';

const PERSONAL_TYPES = new Set<FormField['type']>(['idcard', 'phone']);

export interface PersonalFieldRule {
  collection: string;
  container: string;
  keysOf(doc: Doc): string[];
}

export function personalFieldRules(build: () => AccountBuild): PersonalFieldRule[] {
  const keys = (doc: Doc, step: 'processing' | 'appointment') => {
    const ref = (doc as { service?: unknown }).service;
    const fields = build().services.find((s) => s.ref === ref)?.steps[step]?.fields ?? [];
    return fields.filter((f) => PERSONAL_TYPES.has(f.type)).map((f) => f.name);
  };
  return [
    { collection: APPLICATIONS, container: 'data', keysOf: (doc) => keys(doc, 'processing') },
    { collection: 'appointments', container: 'fields', keysOf: (doc) => keys(doc, 'appointment') },
  ];
}
