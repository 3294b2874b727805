// Build benchmark: cities of 50, 100 and 200 departments × 25 services, generated in memory.
// Run: npx tsx bench/build.ts. Prints build time (median of 3), memory, per-service time, linearity,
// and a baseline (JSON.parse + Ajv validation alone) so the cross-file stages' overhead is visible.
import { performance } from 'node:perf_hooks';
import { buildAccount } from '../server/builder/build-account.js';
import type { CityFiles } from '../server/builder/load-city.js';
import { validateAgainstSchema } from '../server/builder/schema-validator.js';
import { fileKindOf } from '../server/builder/parse-city-file.js';

const SERVICES_PER_DEPARTMENT = 25;
const SIZES = [50, 100, 200];
const TARGET_MS = 2000;

// Deterministic pseudo-random generator, so every run measures the same cities.
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const SYLLABLES = '社保医疗公积金不动产登记交通违章驾驶证户籍出入境护照税务发票住房补贴养老失业就业创业残疾人低保婚姻生育教育入学文化旅游市场监管营业执照食品药品环境噪声城管停车水电燃气'.split('');
const VERBS = ['查询', '办理', '申请', '补办', '变更', '注销', '预约', '缴费', '咨询', '投诉'];

function word(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
  return s;
}

function generateCity(departmentCount: number): CityFiles {
  const next = rng(departmentCount);
  const files: CityFiles['files'] = [];
  // 15 topics in 3 menu groups; every service belongs to one, so the build has no warnings.
  const topics: string[][] = Array.from({ length: 15 }, () => []);
  const sharedKeywords: string[] = [];
  for (let d = 0; d < departmentCount; d++) {
    const id = `dept-${d}`;
    const services = [];
    for (let s = 0; s < SERVICES_PER_DEPARTMENT; s++) {
      const base = `${word(next, 3)}${d}x${s}`;
      const keywords = [
        { text: `${base}${VERBS[s % VERBS.length]}` },
        { text: `${base}${VERBS[(s + 3) % VERBS.length]}`, match: 'exact' },
        { text: `${base}`, match: 'contains' },
        { text: `${word(next, 2)}${d}-${s}号`, match: 'contains' },
      ];
      // Service 0 of departments 2k and 2k+1 claim the same keyword; account.json disambiguates.
      if (s === 0) {
        const shared = `共享${d >> 1}`;
        keywords.push({ text: shared });
        if (!sharedKeywords.includes(shared)) sharedKeywords.push(shared);
      }
      // Service 9 of neighbouring departments claim the same text; different priorities resolve it.
      if (s === 9) keywords.push({ text: `证明${d >> 1}补办`, match: d % 2 ? 'contains' : 'exact', priority: d % 2 ? 0 : 5 } as never);
      services.push({
        id: `svc-${s}`,
        name: `${word(next, 4)}${VERBS[s % VERBS.length]}`,
        summary: `${word(next, 12)}。`,
        keywords,
        steps: {
          location: { halls: ['main'] },
          processing: {
            online: true,
            timeLimitDays: 5,
            fields: [
              { name: 'kind', label: '类别', type: 'select', options: [{ value: 'a', label: '甲' }, { value: 'b', label: '乙' }] },
              { name: 'phone', label: '手机号', type: 'phone', required: true },
            ],
          },
          payment: { online: true, fee: { mode: 'byOption', field: 'kind', amounts: [{ value: 'a', amountFen: 100 }, { value: 'b', amountFen: 200 }] }, timing: 'before-acceptance' },
          progress: { online: true, stages: ['submitted', 'accepted', 'completed'] },
          rating: { online: true },
        },
      });
      topics[(d + s) % 15]!.push(`${id}/svc-${s}`);
    }
    const department = {
      $schema: '../../schemas/department.schema.json',
      id,
      name: `示范市第${d}局`,
      halls: [{ id: 'main', name: '办事大厅', address: `示范路 ${d} 号`, lat: 30, lng: 120, hours: { mon: [{ open: '09:00', close: '17:00' }] } }],
      services,
    };
    files.push({ path: `departments/${id}.json`, text: JSON.stringify(department, null, 2) });
  }
  const topicIds = topics.map((_, i) => `topic-${i}`);
  topicIds.forEach((id, i) => {
    const topic = { $schema: '../schemas/topic.schema.json', id, name: `主题${i}`, menuName: `主题${i}`, lead: `dept-${i}`, services: topics[i] };
    files.push({ path: `${id}.json`, text: JSON.stringify(topic, null, 2) });
  });
  const account = {
    $schema: '../schemas/account.schema.json',
    name: '示范市',
    type: 'service',
    welcome: '欢迎',
    defaultReply: '转人工',
    desk: { hours: { mon: [{ open: '09:00', close: '17:00' }] } },
    menu: { buttons: [0, 1, 2].map((g) => ({ name: `分组${g}`, topics: topicIds.slice(g * 5, g * 5 + 5) })) },
    calendar: { holidays: [], workdays: [] },
    badReviewDeadlineDays: 5,
    keywordResolutions: sharedKeywords.map((keyword) => ({ keyword, strategy: 'disambiguate' })),
  };
  files.push({ path: 'account.json', text: JSON.stringify(account, null, 2) });
  return { files };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function baseline(city: CityFiles): number {
  const start = performance.now();
  for (const file of city.files) validateAgainstSchema(fileKindOf(file.path)!, JSON.parse(file.text));
  return performance.now() - start;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const times = new Map<number, number>();
let pass = true;
console.log('departments  services  keywords  input     build(median)  baseline  per-service  rss       heapUsed Δ');
for (const size of SIZES) {
  const city = generateCity(size);
  const inputBytes = city.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const warm = buildAccount(city, { publicBaseUrl: 'https://gov.example.cn' });
  if (warm.diagnostics.length > 0) {
    console.error(warm.diagnostics.slice(0, 5));
    throw new Error('the generated city should build without diagnostics');
  }
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const runs: number[] = [];
  let keywords = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const build = buildAccount(city, { publicBaseUrl: 'https://gov.example.cn' });
    runs.push(performance.now() - start);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    keywords = build.keywords.length;
  }
  const buildMs = median(runs);
  const baseMs = median([baseline(city), baseline(city), baseline(city)]);
  times.set(size, buildMs);
  const services = size * SERVICES_PER_DEPARTMENT;
  console.log(
    [
      String(size).padEnd(11),
      String(services).padEnd(8),
      String(keywords).padEnd(8),
      mb(inputBytes).padEnd(8),
      `${buildMs.toFixed(0)} ms`.padEnd(13),
      `${baseMs.toFixed(0)} ms`.padEnd(8),
      `${((buildMs / services) * 1000).toFixed(0)} µs`.padEnd(11),
      mb(process.memoryUsage().rss).padEnd(8),
      mb(peakHeap - heapBefore),
    ].join('  '),
  );
  if (size === 200 && buildMs >= TARGET_MS) pass = false;
}
const ratio = times.get(200)! / times.get(100)!;
console.log(`linearity: time200 / time100 = ${ratio.toFixed(2)} (2.00 = linear)`);
console.log(`${pass ? 'PASS' : 'FAIL'}: 200 departments built in ${times.get(200)!.toFixed(0)} ms (target < ${TARGET_MS} ms)`);
process.exitCode = pass ? 0 : 1;
