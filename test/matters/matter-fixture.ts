// The sample city's 二手房交易一件事 over a memory store: deps as the loop gets them, a valid one-form
// body, and uploaded files written where multipart parsing would leave them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { loadConfig } from '../../server/config.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { LoopDeps, UploadedFile } from '../../server/loop/index.js';
import { createRenderer } from '../../server/render.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { FILES } from '../loop/applications/test-app.js';

export const MATTER_ID = 'ershoufang-jiaoyi';
const TOPICS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../topics');

let sampleBuild: AccountBuild | undefined;
export async function sampleCity(): Promise<AccountBuild> {
  sampleBuild ??= buildAccount(await loadCityFromDir(TOPICS), { publicBaseUrl: 'http://127.0.0.1' });
  return structuredClone(sampleBuild);
}

export interface MatterFixture {
  deps: LoopDeps;
  dataDir: string;
  clock: { now: Date };
  /** A file as multipart parsing leaves it in uploads-incoming. */
  upload(fieldname: string, kind: keyof typeof FILES, name?: string): UploadedFile;
  cleanup(): void;
}

export async function matterFixture(opts: { store?: Store; build?: AccountBuild } = {}): Promise<MatterFixture> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onestop-matters-'));
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'test-secret' });
  // A Wednesday morning in city time.
  const clock = { now: new Date('2026-12-02T02:00:00Z') };
  const deps: LoopDeps = { config, store: opts.store ?? createMemoryStore(), live: createLiveBuild(opts.build ?? (await sampleCity())), renderer: createRenderer(), now: () => clock.now };
  const incoming = path.join(dataDir, 'uploads-incoming');
  mkdirSync(incoming, { recursive: true });
  return {
    deps,
    dataDir,
    clock,
    upload(fieldname, kind, name = `${fieldname}.${kind}`) {
      const file = path.join(incoming, randomBytes(8).toString('hex'));
      writeFileSync(file, FILES[kind]);
      return { fieldname, originalname: name, size: FILES[kind].length, path: file };
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A complete, valid form: the buyer uses 公积金 unless told otherwise. */
export function validBody(useFund: 'yes' | 'no' = 'yes'): Record<string, string> {
  return {
    useFund,
    buyerName: '李四',
    buyerIdNumber: '420105198511124569',
    mobile: '13800138000',
    houseAddress: '江城市江南区滨江路88号3栋1201室',
    unitNumber: '420102001001GB00012F00010001',
    'budongchan.zhuanyi-dengji.sellerName': '王五',
    'budongchan.zhuanyi-dengji.sellerIdNumber': '420111199206187899',
    'budongchan.zhuanyi-dengji.certNumber': '鄂（2024）江城市不动产权第0012345号',
    'shuiwu.qishui-shenbao.price': '1500000',
    'shuiwu.qishui-shenbao.homeCount': 'first',
    ...(useFund === 'yes' ? { 'gongjijin.tiqu.amount': '200000', 'gongjijin.tiqu.bankCard': '6222020200112233445' } : {}),
  };
}

export function validFiles(f: MatterFixture): UploadedFile[] {
  return [f.upload('contract', 'pdf', '网签合同.pdf'), f.upload('idCardImage', 'png', '身份证.png')];
}
