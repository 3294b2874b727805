// Pattern benchmark: the catastrophic ^(\w+\s?)*$ on inputs of growing length that end in a
// character the pattern cannot match. Run: npx tsx bench/patterns.ts. Prints the linear-time
// engine (server/patterns) and, as the baseline from the same run, JavaScript's backtracking
// RegExp, which doubles with every character (stopped at 24 so the run stays short).
import { performance } from 'node:perf_hooks';
import { compilePattern, PatternError } from '../server/patterns/index.js';

const SOURCE = '^(\\w+\\s?)*$';
const compiled = compilePattern(SOURCE);
if (compiled instanceof PatternError) throw new Error(compiled.message);
const native = new RegExp(SOURCE, 'u');

function timeMs(run: () => boolean): { ms: number; result: boolean } {
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, result };
}

console.log(`pattern ${SOURCE}, input "a"×n + "!" (never matches)`);
console.log('n        re2js ms   RegExp ms');
for (const n of [16, 20, 22, 24, 29, 1000, 100_000]) {
  const input = `${'a'.repeat(n)}!`;
  const re2 = timeMs(() => compiled.test(input));
  const baseline = n <= 24 ? timeMs(() => native.test(input)) : undefined;
  if (re2.result !== false || (baseline && baseline.result !== false)) throw new Error('wrong answer');
  const base = baseline ? baseline.ms.toFixed(1) : n === 29 ? '~2300 (issue 16, not run)' : 'not run';
  console.log(`${String(n).padEnd(8)} ${re2.ms.toFixed(2).padStart(9)}   ${base}`);
}
