// Draft-cost benchmark: how long one console draft check (a whole-city build with one department's
// text replaced) holds the event loop, for hostile drafts under the 512 KB draft cap. Run:
// npx tsx bench/drafts.ts. The baseline is the unchanged sample city, built in the same run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildAccount } from '../server/builder/build-account.js';
import { loadCityFromDir, withFile, type CityFiles } from '../server/builder/load-city.js';
import { projectRoot } from '../server/config.js';

const FILE = 'departments/jiaojing.json';
const city = await loadCityFromDir(path.join(projectRoot, 'topics'));
const dept = JSON.parse(readFileSync(path.join(projectRoot, 'topics', FILE), 'utf8'));
const service = dept.services[0];

function median(files: CityFiles): { ms: number; codes: string } {
  const times: number[] = [];
  let codes = '';
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const build = buildAccount(files, { publicBaseUrl: 'https://gov.example.cn' });
    times.push(performance.now() - start);
    codes = [...new Set(build.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))].join(',') || '-';
  }
  return { ms: times.sort((a, b) => a - b)[1]!, codes };
}

const drafts: Array<[string, string]> = [
  ['sample city unchanged (baseline)', readFileSync(path.join(projectRoot, 'topics', FILE), 'utf8')],
  ['20,000 copies of one small hall', JSON.stringify({ ...dept, halls: Array.from({ length: 20_000 }, () => ({ id: 'h1', name: 'x' })) })],
  ['nesting 10,000 deep', `{"id":"jiaojing","halls":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
  ['250 services × 20 copies of one keyword', JSON.stringify({ ...dept, services: Array.from({ length: 250 }, (_, i) => ({ ...service, id: `s${i}`, keywords: Array.from({ length: 20 }, () => ({ text: '违章', match: 'contains' })) })) })],
  ['50 services × 20 distinct keywords (1,000, the limit)', JSON.stringify({ ...dept, services: Array.from({ length: 50 }, (_, i) => ({ ...service, id: `s${i}`, keywords: Array.from({ length: 20 }, (_, k) => ({ text: `违章${i}查询${k}`, match: 'contains' })) })) })],
  ['300 halls, each with 300 bad closed dates', JSON.stringify({ ...dept, halls: Array.from({ length: 300 }, (_, i) => ({ ...dept.halls[0], id: `h${i}`, closedDates: Array.from({ length: 300 }, () => 'x') })) })],
];

buildAccount(city, { publicBaseUrl: 'https://gov.example.cn' }); // warm-up: schema compile, JIT
console.log('draft'.padEnd(56), 'KB'.padStart(5), 'ms'.padStart(8), '  errors');
for (const [name, text] of drafts) {
  const { ms, codes } = median(withFile(city, { path: FILE, text }));
  console.log(name.padEnd(56), String(Math.round(text.length / 1024)).padStart(5), ms.toFixed(0).padStart(8), ' ', codes);
}
