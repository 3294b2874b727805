// A several-account city for tests: the sample city in a temporary copy, with account files
// replaced or added per test.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/config.js';
import { loadCityFromDir, type CityFiles } from '../../server/builder/load-city.js';

export const SAMPLE = path.join(projectRoot, 'topics');

export async function sampleCity(): Promise<CityFiles> {
  return loadCityFromDir(SAMPLE);
}

/** Copies the sample city, writes the given files (path -> JSON value, or null to delete), loads it. */
export async function cityWith(files: Record<string, unknown>): Promise<{ city: CityFiles; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onestop-accounts-'));
  await cp(SAMPLE, dir, { recursive: true });
  for (const [name, value] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (value === null) await rm(file, { force: true, recursive: true });
    else {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(value, null, 2));
    }
  }
  return { city: await loadCityFromDir(dir), dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A minimal account file in accounts/. */
export function accountFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '测试账号',
    type: 'subscription',
    organiser: 'chengguan',
    topics: ['chengshi-guanli'],
    welcome: '欢迎',
    defaultReply: '已收到',
    menu: { buttons: [{ topic: 'chengshi-guanli' }] },
    ...overrides,
  };
}
