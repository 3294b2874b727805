// Log.readAfter: what the stats rollups read instead of the whole log on every run.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';

const stores: Array<[string, () => Promise<{ store: Store; dir?: string }>]> = [
  ['memory', async () => ({ store: createMemoryStore() })],
  ['lowdb (JSON Lines)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-readafter-'));
    return { store: await createLowdbStore(dir), dir };
  }],
];

for (const [name, open] of stores) {
  describe(`Log.readAfter on the ${name} store`, () => {
    let store: Store;
    let dir: string | undefined;
    beforeEach(async () => ({ store, dir } = await open()));
    afterEach(async () => {
      await store.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('gives everything from the start, then only what was appended after the position', async () => {
      const log = store.log<{ n: number }>('events');
      const empty = await log.readAfter!(undefined);
      assert.deepEqual(empty.records, []);
      log.append({ n: 1 });
      log.append({ n: 2 });
      const first = await log.readAfter!(empty.position);
      assert.deepEqual(first.records, [{ n: 1 }, { n: 2 }]);
      assert.deepEqual((await log.readAfter!(first.position)).records, []);
      log.append({ n: 3 });
      const second = await log.readAfter!(first.position);
      assert.deepEqual(second.records, [{ n: 3 }]);
      assert.deepEqual(await log.read(), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    });
  });
}

describe('Log.readAfter on a JSON Lines file with a torn last line', () => {
  it('leaves the torn line for later and skips it once a newline ends it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-readafter-'));
    try {
      const crashed = await createLowdbStore(dir);
      crashed.log<{ n: number }>('events').append({ n: 1 });
      const first = await crashed.log<{ n: number }>('events').readAfter!(undefined);
      await crashed.close();
      // The process died half-way through an append.
      await appendFile(path.join(dir, 'logs', 'events.jsonl'), '{"n":');
      const store = await createLowdbStore(dir);
      const log = store.log<{ n: number }>('events');
      const torn = await log.readAfter!(first.position);
      assert.deepEqual(torn, { records: [], position: first.position });
      log.append({ n: 2 });
      assert.deepEqual((await log.readAfter!(first.position)).records, [{ n: 2 }]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
