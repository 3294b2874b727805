// The file work of on-disk collections: scanning a JSON Lines file with the byte offset of every
// line, reading one line back with a synchronous pread on a kept descriptor, appending lines all or
// nothing, and replacing a file whole (temp + fsync + rename + fsync of the directory, as
// durable-json-file.ts does), so a crash leaves the old file or the new one.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { syncDir, tempFileOf } from './durable-json-file.js';
import type { StoreFs } from './store-fs.js';
import { appendWhole, storageError, writeFully } from './write-fully.js';

/** An on-disk collection's shard file: JSON Lines, each a journal entry (a put or a tombstone). */
export const jsonlShardName = (n: number) => `${n.toString(16).padStart(3, '0')}.jsonl`;
export const JSONL_SHARD = /^([0-9a-f]{3,})\.jsonl$/;

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Calls onLine for every complete line (its bytes, valid only during the call, and its offset).
 * Returns the file's size and where its complete lines end (less than size after a torn last
 * line), or undefined when there is no such file.
 */
export function scanLines(file: string, onLine: (line: Buffer, offset: number) => void): { size: number; end: number } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, size)));
    let carry: Buffer | undefined;
    let carryAt = 0;
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
      if (n === 0) break;
      const data = carry ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const base = carry ? carryAt : pos;
      carry = undefined;
      let start = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        onLine(data.subarray(start, nl), base + start);
        start = nl + 1;
      }
      if (start < data.length) {
        carry = Buffer.from(data.subarray(start));
        carryAt = base + start;
      }
      pos += n;
    }
    return { size, end: carry ? carryAt : size };
  } finally {
    closeSync(fd);
  }
}

/** Reads length bytes at offset into out (or a new buffer); a short file is an error, not a short line. */
export function readAt(fd: number, offset: number, length: number, out?: Buffer): Buffer {
  const buf = out && out.length >= length ? out : Buffer.allocUnsafe(length);
  for (let got = 0; got < length; ) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) throw new Error(`数据文件比记录的位置短（偏移 ${offset}，长度 ${length}）`);
    got += n;
  }
  return buf;
}

/**
 * Appends data to a file whose acknowledged length is `size`, then fsyncs (a new file's name
 * too). Bytes past `size` (an earlier append the disk cut short and that could not be cut back)
 * are cut off first, so offsets stay what the caller recorded.
 */
export async function appendAt(fs: StoreFs, file: string, size: number, data: Buffer, fsync: boolean): Promise<void> {
  const fh = await fs.open(file, 'a').catch((e: unknown) => Promise.reject(storageError(e, file)));
  try {
    const now = (await fh.stat()).size;
    if (now < size) throw new Error(`数据文件比已确认的内容短（${now} < ${size} 字节），拒绝写入: ${file}`);
    if (now > size) await fh.truncate(size).catch((e: unknown) => Promise.reject(storageError(e, file)));
    await appendWhole(fh, data, size, { fsync, file, onTorn: () => {} });
  } finally {
    await fh.close().catch(() => {});
  }
  if (fsync && size === 0) await syncDir(path.dirname(file), fs).catch((e: unknown) => Promise.reject(storageError(e, file)));
}

/** Replaces file with the chunks `write` produces (it calls put for each), atomically and durably. */
export async function replaceFile(fs: StoreFs, file: string, fsync: boolean, write: (put: (data: Buffer) => Promise<void>) => Promise<void>): Promise<void> {
  const temp = tempFileOf(file);
  try {
    const fh = await fs.open(temp, 'w');
    try {
      let at = 0;
      await write(async (data) => {
        await writeFully(fh, data, at);
        at += data.length;
      });
      if (fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp).catch(() => {});
    throw storageError(e, file);
  }
  if (fsync) await syncDir(path.dirname(file), fs).catch((e: unknown) => Promise.reject(storageError(e, file)));
}

/** Opens a file for synchronous reads (preads of single lines). */
export function openForReading(file: string): number {
  return openSync(file, 'r');
}

export const closeQuietly = (fd: number | undefined) => {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
};
