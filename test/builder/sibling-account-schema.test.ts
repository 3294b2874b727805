// schemas/sibling-account.schema.json: what editors check topics/accounts/<id>.json against. The
// fields a further account inherits from the primary are optional there (account.schema.json
// requires them, so editors flagged every sibling file), everything else is account.schema.json's.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectRoot } from '../../server/config.js';
import { INHERITED } from '../../server/builder/load-city-model.js';

const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;
const schema = (name: string) => JSON.parse(readFileSync(path.join(projectRoot, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown> & { properties: Record<string, unknown>; required: string[] };
const siblingsDir = path.join(projectRoot, 'topics', 'accounts');
const siblingFile = (name: string) => JSON.parse(readFileSync(path.join(siblingsDir, name), 'utf8')) as Record<string, unknown>;

describe('the further accounts’ schema (sibling-account.schema.json)', () => {
  let sibling: ValidateFunction;
  let account: ValidateFunction;
  before(() => {
    const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
    addFormats(ajv);
    for (const shared of ['common', 'broadcasts', 'notices', 'department']) ajv.addSchema(schema(shared));
    account = ajv.compile(schema('account'));
    sibling = ajv.compile(schema('sibling-account'));
  });
  const missing = (validate: ValidateFunction) => (validate.errors ?? []).filter((e) => e.keyword === 'required').map((e) => String(e.params.missingProperty)).sort();

  it('accepts the sample city’s further accounts as written, leaving out what they inherit', () => {
    for (const name of readdirSync(siblingsDir)) {
      const file = siblingFile(name);
      assert.equal(file.$schema, '../../schemas/sibling-account.schema.json', `${name} points editors at the sibling schema`);
      assert.ok(sibling(file), `${name}: ${JSON.stringify(sibling.errors)}`);
    }
  });

  it('is needed: the account schema flags the inherited fields a further account leaves out', () => {
    assert.equal(account(siblingFile('chuxing.json')), false);
    assert.deepEqual(missing(account), ['badReviewDeadlineDays', 'calendar']);
  });

  it('still requires the organiser and the account’s own fields', () => {
    const { organiser: _o, menu: _m, ...rest } = siblingFile('chuxing.json');
    assert.equal(sibling(rest), false);
    assert.deepEqual(missing(sibling), ['menu', 'organiser']);
  });

  it('checks an inherited field the file does set, and refuses unknown fields', () => {
    assert.equal(sibling({ ...siblingFile('chuxing.json'), badReviewDeadlineDays: 'seven' }), false);
    assert.equal(sibling({ ...siblingFile('chuxing.json'), deks: {} }), false);
  });

  it('has exactly the account schema’s fields and requires exactly what a further account must write', () => {
    const own = schema('sibling-account');
    const base = schema('account');
    assert.deepEqual(Object.keys(own.properties), Object.keys(base.properties));
    for (const [name, value] of Object.entries(own.properties)) assert.deepEqual(value, { $ref: `account.schema.json#/properties/${name}` });
    const expected = [...base.required.filter((r) => !(INHERITED as readonly string[]).includes(r)), 'organiser'].sort();
    assert.deepEqual([...own.required].sort(), expected);
  });
});
