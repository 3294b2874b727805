// The one Ajv instance: compiles schemas/*.schema.json once, on first use, and validates files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectRoot } from '../config.js';
import type { FileKind } from './parse-city-file.js';

export type SchemaValidators = Record<FileKind, ValidateFunction>;

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;

let validators: SchemaValidators | undefined;

export function schemaValidators(schemasDir = path.join(projectRoot, 'schemas')): SchemaValidators {
  validators ??= compileSchemas(schemasDir);
  return validators;
}

function compileSchemas(schemasDir: string): SchemaValidators {
  const read = (name: string): object => JSON.parse(readFileSync(path.join(schemasDir, `${name}.schema.json`), 'utf8'));
  // verbose: errors carry their schema, which the Chinese messages need (enum lists, patterns).
  const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true, verbose: true });
  addFormats(ajv);
  ajv.addSchema(read('common'));
  ajv.addSchema(read('broadcasts'));
  ajv.addSchema(read('notices'));
  // Added before account: a broadcast template's source is the department schema's ConnectorSource.
  const department = read('department') as { $id: string };
  ajv.addSchema(department);
  return {
    account: ajv.compile(read('account')),
    topic: ajv.compile(read('topic')),
    department: ajv.getSchema(department.$id)!,
    matter: ajv.compile(read('matter')),
  };
}

export function validateAgainstSchema(kind: FileKind, value: unknown): ErrorObject[] {
  const validate = schemaValidators()[kind];
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
