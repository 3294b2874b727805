// The scheduler under kill -9: a real server plans reminders for 150 citizens and sends them
// while it is killed three times mid-run and restarted; afterwards every citizen has received
// exactly one message (none lost, none delivered twice) and the store agrees. The same again with
// the reminders' dates refreshed through 交警's system (follows.refresh), which moved some dates
// and no longer knows some vehicles: exactly the others are reminded, each once.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { cityWithoutQuietHours, countingStandin, type CountingStandin, seedBindings, seededRegistrations } from './support/city-under-test.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'serve-city.ts');
const CITIZENS = 150;

function startServer(data: string, topics: string, standin: CountingStandin): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, data, topics, standin.base, '80'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Kills the server three times while it sends, then lets a fourth finish; resolves how many
 * messages each citizen received and the stored notices' states.
 */
async function runWithKills(data: string, topics: string, standin: CountingStandin, expected: number) {
  for (let kill = 1; kill <= 3; kill++) {
    const { child, port } = await startServer(data, topics, standin);
    standin.eventsTo.url = `http://127.0.0.1:${port}/wechat`;
    const before = standin.attempts.length;
    // Kill while it sends: after a few more sends each round, at a varying point.
    await until(() => standin.attempts.length >= Math.min(expected, before + 5 + kill * 11), 60_000, `sends before kill ${kill}`);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  const { child, port } = await startServer(data, topics, standin);
  standin.eventsTo.url = `http://127.0.0.1:${port}/wechat`;
  await until(async () => (await standin.delivered()).length >= expected, 90_000, 'every reminder');
  await new Promise((r) => setTimeout(r, 500)); // anything sent twice would arrive now
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;

  const perCitizen = new Map<string, number>();
  for (const d of await standin.delivered()) perCitizen.set(d.touser, (perCitizen.get(d.touser) ?? 0) + 1);
  const store = await createLowdbStore(path.join(data, 'store'));
  try {
    const notices = await store.collection<{ id: string; state: string; openid: string }>('notices').list();
    return { perCitizen, notices };
  } finally {
    await store.close();
  }
}

describe('the notices scheduler under kill -9', () => {
  let data: string;
  let topics: string;
  let standin: CountingStandin;

  before(async () => {
    data = await mkdtemp(path.join(os.tmpdir(), 'onestop-notices-crash-'));
    topics = await cityWithoutQuietHours();
    standin = await countingStandin();
    await seedBindings(data, topics, CITIZENS);
  });
  after(async () => {
    await standin.close();
    await Promise.all([rm(data, { recursive: true, force: true }), rm(topics, { recursive: true, force: true })]);
  });

  it('delivers each reminder exactly once across three kills and restarts', async function () {
    this.timeout(180_000);
    const { perCitizen, notices } = await runWithKills(data, topics, standin, CITIZENS);
    assert.equal(perCitizen.size, CITIZENS, 'every citizen got a reminder (no losses)');
    assert.deepEqual([...perCitizen.values()].filter((n) => n !== 1), [], 'nobody got two (no duplicates)');
    assert.equal(notices.length, CITIZENS);
    assert.deepEqual([...new Set(notices.map((n) => n.state))].filter((s) => s !== 'sent' && s !== 'delivered'), []);
  });
});

describe('the notices scheduler under kill -9, with dates refreshed through the department’s system', () => {
  let data: string;
  let topics: string;
  let standin: CountingStandin;
  // Every 5th vehicle was inspected early (its date moved out of reach), every 5th + 1 is no longer registered.
  const change = (i: number) => (i % 5 === 1 ? 'moved' : i % 5 === 2 ? 'gone' : 'same');
  const expected = new Set(Array.from({ length: CITIZENS }, (_, i) => i).filter((i) => change(i) === 'same').map((i) => `oBench${String(i).padStart(7, '0')}`));

  before(async () => {
    data = await mkdtemp(path.join(os.tmpdir(), 'onestop-notices-crash-refresh-'));
    standin = await countingStandin({ departments: seededRegistrations(CITIZENS, 1, change) });
    topics = await cityWithoutQuietHours({ departments: standin.departments });
    await seedBindings(data, topics, CITIZENS);
  });
  after(async () => {
    await standin.close();
    await Promise.all([rm(data, { recursive: true, force: true }), rm(topics, { recursive: true, force: true })]);
  });

  it('reminds exactly the vehicles whose date still stands, each once, asking each about once', async function () {
    this.timeout(180_000);
    const { perCitizen, notices } = await runWithKills(data, topics, standin, expected.size);
    assert.deepEqual([...perCitizen.keys()].sort(), [...expected].sort(), 'the moved and the gone were not reminded; no others lost');
    assert.deepEqual([...perCitizen.values()].filter((n) => n !== 1), [], 'nobody got two (no duplicates)');
    assert.deepEqual(notices.map((n) => n.openid).sort(), [...expected].sort());
    // Once per binding, plus at most the asks in flight (8 at a time) when each kill struck.
    assert.ok(standin.asks.length >= CITIZENS && standin.asks.length <= CITIZENS + 3 * 8, `asked ${standin.asks.length} times`);
  });
});
