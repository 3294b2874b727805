// What the crash test and bench/notices.ts share: a copy of the sample city without quiet hours
// (so they run at any hour), its notice types on template messages only (client_msg_id), a
// data directory seeded with bound vehicles whose inspection is due, and a WeChat stand-in on its own
// port that counts every send it receives and every message it delivers.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { bindingKeyOf, keyIndexOf } from '../../../server/bindings/binding-key.js';
import { BINDING_COLLECTION, BINDINGS, type BindingRecord } from '../../../server/bindings/binding-types.js';
import { sealContent } from '../../../server/bindings/open-binding.js';
import { rebuildDueIndex } from '../../../server/bindings/index.js';
import { createLiveBuild } from '../../../server/live-build.js';
import { buildAccount, loadCityFromDir } from '../../../server/builder/index.js';
import { addDays, cityDate } from '../../../server/calendar/index.js';
import { DEVELOPMENT_VAULT, projectRoot } from '../../../server/config.js';
import { createVault } from '../../../server/vault/index.js';
import { createWechatStandin } from '../../../server/http/wechat-standin/wechat-standin.js';
import { createLowdbStore } from '../../../server/store/lowdb-store.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import type { Store } from '../../../server/store/types.js';
import { readStandinOutbox } from '../../../server/wechat/standin/standin-state.js';
import { createDepartmentStandin } from '../../../server/http/index.js';
import { LOCAL_CONNECTOR_SECRET } from '../../../server/connectors/index.js';

/**
 * The sample city, quiet hours off, subscription notices off. Its reminders follow the stored
 * dates (follows.refresh off): the seeded plates are unknown to the built-in department stand-in,
 * which would answer every refresh "not found". `departments` keeps refresh and points 交警's
 * connector at that base URL instead (a stand-in that knows the seeded plates).
 */
export async function cityWithoutQuietHours(options: { departments?: string } = {}): Promise<string> {
  const topics = await mkdtemp(path.join(os.tmpdir(), 'onestop-notices-topics-'));
  await cp(path.join(projectRoot, 'topics'), topics, { recursive: true });
  const accountPath = path.join(topics, 'account.json');
  const account = JSON.parse(await readFile(accountPath, 'utf8'));
  account.notifications.quietHours = { start: '00:00', end: '00:00' };
  await writeFile(accountPath, JSON.stringify(account, null, 2));
  const deptPath = path.join(topics, 'departments', 'jiaojing.json');
  const dept = JSON.parse(await readFile(deptPath, 'utf8'));
  for (const n of dept.notices) delete n.subscription;
  if (!options.departments) for (const r of dept.reminders) delete r.follows.refresh;
  await writeFile(deptPath, JSON.stringify(dept, null, 2));
  if (options.departments) {
    for (const c of account.connectors) if (c.id === 'jiaojing-tmri') c.baseUrl = options.departments;
    await writeFile(accountPath, JSON.stringify(account, null, 2));
  }
  return topics;
}

/**
 * Seeds `total` citizens each with a bound vehicle (sealed by the local development vault, as the
 * bindings room stores them); every `dueEvery`-th vehicle's inspection is due in 3 days (the 7-day
 * reminder is due now), the others in 200 days. Writes straight into the store while no server
 * runs, as a migration of existing bindings would.
 */
export async function seedBindings(dataDir: string, topicsDir: string, total: number, dueEvery = 1, options: { indexed?: boolean } = {}): Promise<{ due: number; indexMs?: number }> {
  const store = await createLowdbStore(path.join(dataDir, 'store'), { fsync: false });
  try {
    const seeded = await seedBindingsIn(store, topicsDir, total, dueEvery);
    return options.indexed ? { ...seeded, indexMs: await indexSeeded(store, topicsDir) } : seeded;
  } finally {
    await store.close();
  }
}

/**
 * Builds the reminder-day index of the seeded bindings (what `onestop bindings reindex` does; bound
 * through the server, each binding is indexed as it is written). Without it the server builds it on
 * its first planning pass. Returns how long it took (ms).
 */
export async function indexSeeded(store: Store, topicsDir: string): Promise<number> {
  const build = buildAccount(await loadCityFromDir(topicsDir), { publicBaseUrl: 'http://localhost' });
  const started = performance.now();
  await rebuildDueIndex({ store, vault: createVault(DEVELOPMENT_VAULT), live: createLiveBuild(build) }, [build]);
  return performance.now() - started;
}

/** The same, into an open store (PostgreSQL). */
export async function seedBindingsIn(store: Store, topicsDir: string, total: number, dueEvery = 1): Promise<{ due: number }> {
  const build = buildAccount(await loadCityFromDir(topicsDir), { publicBaseUrl: 'http://localhost' });
  const kind = build.bindings!.find((k) => k.ref === 'jiaojing/vehicle')!;
  const vault = createVault(DEVELOPMENT_VAULT);
  const bindings = store.collection<BindingRecord>(BINDINGS, BINDING_COLLECTION);
  const today = cityDate(new Date());
  const at = new Date().toISOString();
  let due = 0;
  const batch: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const isDue = i % dueEvery === 0;
    if (isDue) due++;
    const id = createHash('sha256').update(`bench-binding-${i}`).digest('hex').slice(0, 24);
    const fields = { plateType: '02', plateNumber: seededPlate(i), vinLast6: 'ABC123' };
    const data = { model: '小型轿车', inspectionDue: addDays(today, isDue ? 3 : 200) };
    batch.push(
      bindings.insert({
        id,
        openid: `oBench${String(i).padStart(7, '0')}`,
        department: 'jiaojing',
        kind: 'vehicle',
        keyIndex: keyIndexOf(vault, kind, bindingKeyOf(kind, fields)),
        bucket: `${kind.ref}/${id.slice(0, 2)}`,
        sealed: sealContent(vault, id, { fields, data }),
        verifiedBy: 'connector',
        createdAt: at,
        verifiedAt: at,
      }),
    );
    if (batch.length >= 2000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return { due };
}

export interface CountingStandin {
  base: string;
  /** 交警's system (options.departments): the connector base URL, and the plates it was asked about. */
  departments: string;
  asks: string[];
  /** client_msg_ids of every template send received, repeats included. */
  attempts: string[];
  /** Messages delivered (a repeated client_msg_id is not delivered again). */
  delivered(): Promise<Array<{ touser: string; clientMsgId: string }>>;
  /** Where delivery events go: set to the running server's /wechat. */
  eventsTo: { url: string };
  close(): Promise<void>;
}

/** The plate of the i-th seeded vehicle (as seedBindingsIn writes it). */
export const seededPlate = (i: number) => `鄂A${String(i % 100000).padStart(5, '0')}`;

/**
 * What 交警's system knows of the seeded vehicles: `change(i)` says whether the i-th is as seeded
 * (same), was inspected early (moved: due in 400 days) or is no longer registered (gone).
 */
export function seededRegistrations(total: number, dueEvery: number, change: (i: number) => 'same' | 'moved' | 'gone'): Record<string, { plateType: string; vin: string; model: string; inspectionDue: string }> {
  const today = cityDate(new Date());
  const out: Record<string, { plateType: string; vin: string; model: string; inspectionDue: string }> = {};
  for (let i = 0; i < total; i++) {
    const what = change(i);
    if (what === 'gone') continue;
    out[seededPlate(i)] = { plateType: '02', vin: 'ABC123', model: '小型轿车', inspectionDue: addDays(today, what === 'moved' ? 400 : i % dueEvery === 0 ? 3 : 200) };
  }
  return out;
}

/**
 * options.departments: 交警's system too (the department stand-in over these registrations, signed
 * with the local secret), at `<base>/tmri/jiaojing`; `asks` counts its vehicle requests.
 */
export async function countingStandin(options: { departments?: Record<string, { plateType: string; vin: string; model: string; inspectionDue: string }> } = {}): Promise<CountingStandin> {
  const store = createMemoryStore();
  const attempts: string[] = [];
  const eventsTo = { url: '' };
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use((req, _res, next) => {
    if (req.path === '/_wechat/cgi-bin/message/template/send') attempts.push(String((req.body as { client_msg_id?: string }).client_msg_id ?? ''));
    next();
  });
  app.use('/_wechat', createWechatStandin(store, { events: { url: () => eventsTo.url, token: 'onestop-local-token', delayMs: 50, onError: () => {} } }));
  const asks: string[] = [];
  if (options.departments) {
    app.use('/tmri', (req, _res, next) => (req.path.startsWith('/jiaojing/vehicles/') && asks.push(decodeURIComponent(req.path.split('/').pop()!)), next()));
    app.use('/tmri', createDepartmentStandin({ secrets: { jiaojing: LOCAL_CONNECTOR_SECRET, gongjijin: LOCAL_CONNECTOR_SECRET, renshe: LOCAL_CONNECTOR_SECRET }, registrations: options.departments }));
  }
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/_wechat`,
    departments: `http://127.0.0.1:${port}/tmri/jiaojing`,
    asks,
    attempts,
    eventsTo,
    async delivered() {
      return (await readStandinOutbox(store)).filter((r) => r.kind === 'template').map((r) => ({ touser: r.touser, clientMsgId: String(r.body.client_msg_id ?? '') }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
