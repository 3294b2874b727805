// The schemas are the source of truth; server/model/generated.ts must be what they generate today.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../server/config.js';
import { generateTypes } from '../../scripts/gen-types.js';

describe('server/model/generated.ts', () => {
  it('matches what the schemas generate (run npm run gen:types when this fails)', async function () {
    this.timeout(30_000);
    const checkedIn = await readFile(path.join(projectRoot, 'server/model/generated.ts'), 'utf8');
    const fresh = await generateTypes();
    assert.ok(fresh.includes('export interface Account'), 'the generator produced the Account type');
    assert.equal(checkedIn, fresh, 'server/model/generated.ts is stale: run npm run gen:types');
  });
});
