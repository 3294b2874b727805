// Reads a city's files from disk into CityFiles, the in-memory form the builder works from
// (the console builds drafts by replacing one file's text, without touching the disk).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../errors.js';

export interface CityFile {
  /** Relative to the topics directory, posix separators, e.g. departments/jiaojing.json. */
  path: string;
  text: string;
}

export interface CityFiles {
  files: CityFile[];
}

/** account.json and topics at the top level, departments in departments/, tables in data/<department>/; nothing else is read. */
export async function loadCityFromDir(dir: string): Promise<CityFiles> {
  const top = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new NotFoundError(`找不到主题目录：${dir}`);
    throw err;
  });
  const paths = top.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name);
  if (top.some((e) => e.isDirectory() && e.name === 'departments')) {
    const departments = await readdir(path.join(dir, 'departments'), { withFileTypes: true });
    for (const e of departments) {
      if (e.isFile() && e.name.endsWith('.json')) paths.push(`departments/${e.name}`);
    }
  }
  // Data tables for queries: data/<department>/*.csv|json, published and versioned with the city.
  if (top.some((e) => e.isDirectory() && e.name === 'data')) {
    for (const d of await readdir(path.join(dir, 'data'), { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      for (const e of await readdir(path.join(dir, 'data', d.name), { withFileTypes: true })) {
        if (e.isFile() && /\.(csv|json)$/.test(e.name)) paths.push(`data/${d.name}/${e.name}`);
      }
    }
  }
  paths.sort();
  const files = await Promise.all(
    paths.map(async (p) => ({ path: p, text: await readFile(path.join(dir, ...p.split('/')), 'utf8') })),
  );
  return { files };
}

/** Replaces (or adds) one file's text: how the console builds a draft of one department. */
export function withFile(city: CityFiles, file: CityFile): CityFiles {
  return { files: [...city.files.filter((f) => f.path !== file.path), file] };
}
