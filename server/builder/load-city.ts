// Reads a city's files from disk into CityFiles, the in-memory form the builder works from
// (the console builds drafts by replacing one file's text, without touching the disk).
import { lstat, readdir, readFile } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { decodeUtf8 } from './decode-utf8.js';
import type { Position } from './parse-city-file.js';

export interface CityFile {
  /** Relative to the topics directory, posix separators, e.g. departments/jiaojing.json. */
  path: string;
  text: string;
}

/** A file the loader found but could not read as a city file; the builder reports it as an error. */
export interface UnreadableFile {
  path: string;
  code: 'FILE_NOT_UTF8' | 'FILE_NOT_REGULAR' | 'FILE_TOO_LARGE';
  message: string;
  position?: Position;
}

export interface CityFiles {
  files: CityFile[];
  unreadable?: UnreadableFile[];
}

/** Larger than any real department, topic or account file (the console caps drafts at 512 KB); data tables may be larger. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * account.json and topics at the top level, departments in departments/, matters in matters/, further
 * accounts in accounts/, tables in data/<department>/;
 * nothing else is read. An entry that would be read but is a symlink, a FIFO, a device or a directory
 * is reported, never followed.
 */
export async function loadCityFromDir(dir: string): Promise<CityFiles> {
  const top = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new NotFoundError(`找不到主题目录：${dir}`);
    throw err;
  });
  const unreadable: UnreadableFile[] = [];
  const paths: string[] = [];
  const take = (entry: Dirent, relative: string, wanted = /\.json$/) => {
    if (!wanted.test(entry.name)) return;
    if (entry.isFile()) paths.push(relative);
    else unreadable.push({ path: relative, code: 'FILE_NOT_REGULAR', message: `${kindOf(entry)}，不会被读取：请放入普通的 JSON 文件` });
  };
  for (const e of top) take(e, e.name);
  for (const [folder, what] of [['departments', '部门文件'], ['accounts', '公众号文件']] as const) {
    const entry = top.find((e) => e.name === folder);
    if (entry?.isDirectory()) {
      for (const e of await readdir(path.join(dir, folder), { withFileTypes: true })) take(e, `${folder}/${e.name}`);
    } else if (entry) {
      unreadable.push({ path: folder, code: 'FILE_NOT_REGULAR', message: `${kindOf(entry)}，其中的${what}不会被读取：${folder} 应是普通目录` });
    }
  }
  // Cross-department matters (一件事): matters/<id>.json, each owned by its lead department.
  const matters = top.find((e) => e.name === 'matters');
  if (matters?.isDirectory()) {
    for (const e of await readdir(path.join(dir, 'matters'), { withFileTypes: true })) take(e, `matters/${e.name}`);
  } else if (matters) {
    unreadable.push({ path: 'matters', code: 'FILE_NOT_REGULAR', message: `${kindOf(matters)}，其中的一件事文件不会被读取：matters 应是普通目录` });
  }
  // Data tables for queries: data/<department>/*.csv|json, published and versioned with the city.
  const data = top.find((e) => e.name === 'data');
  if (data?.isDirectory()) {
    for (const d of await readdir(path.join(dir, 'data'), { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      for (const e of await readdir(path.join(dir, 'data', d.name), { withFileTypes: true })) take(e, `data/${d.name}/${e.name}`, /\.(csv|json)$/);
    }
  }
  paths.sort();
  const files: CityFile[] = [];
  for (const p of paths) {
    const file = path.join(dir, ...p.split('/'));
    // lstat again: the entry may have been swapped for a link since readdir.
    const stat = await lstat(file);
    if (!stat.isFile()) {
      unreadable.push({ path: p, code: 'FILE_NOT_REGULAR', message: '不是普通文件，不会被读取' });
      continue;
    }
    if (stat.size > MAX_FILE_BYTES && !p.startsWith('data/')) {
      unreadable.push({ path: p, code: 'FILE_TOO_LARGE', message: `文件过大（${Math.ceil(stat.size / 1024)} KB，最多 ${MAX_FILE_BYTES / 1024 / 1024} MB）` });
      continue;
    }
    const decoded = decodeUtf8(await readFile(file));
    if (decoded.ok) files.push({ path: p, text: decoded.text });
    else {
      const message = `文件不是 UTF-8 编码（第 ${decoded.offset + 1} 个字节无法按 UTF-8 读取，常见于以 GBK 保存的文件）：请在编辑器中改为 UTF-8 编码后重新保存`;
      unreadable.push({ path: p, code: 'FILE_NOT_UTF8', message, position: decoded.position });
    }
  }
  return unreadable.length > 0 ? { files, unreadable } : { files };
}

function kindOf(entry: Dirent): string {
  if (entry.isSymbolicLink()) return '是符号链接';
  if (entry.isDirectory()) return '是目录';
  if (entry.isFIFO()) return '是命名管道（FIFO）';
  if (entry.isSocket()) return '是套接字';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return '是设备文件';
  return '不是普通文件';
}

/** Replaces (or adds) one file's text: how the console builds a draft of one department. */
export function withFile(city: CityFiles, file: CityFile): CityFiles {
  const unreadable = city.unreadable?.filter((u) => u.path !== file.path);
  return { files: [...city.files.filter((f) => f.path !== file.path), file], ...(unreadable?.length ? { unreadable } : {}) };
}
