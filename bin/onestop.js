#!/usr/bin/env node
// Entry point for `npx onestop` and `npm start`: runs the compiled dist/ when `npm run build` made
// it from the current sources, otherwise registers tsx and runs the TypeScript sources as they are.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chooseEntry } from './choose-entry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const choice = chooseEntry(root);
if (choice.kind === 'source') {
  if (process.argv[2] === 'serve') {
    const why = choice.reason === 'stale-build' ? 'dist/ 比源码旧' : '尚未编译';
    process.stderr.write(`onestop：${why}，用 tsx 直接运行 TypeScript 源码（npm run build 后启动更快、内存更少）\n`);
  }
  const { register } = await import('tsx/esm/api');
  register();
}
await import(pathToFileURL(choice.entry).href);
