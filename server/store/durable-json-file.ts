// A lowdb adapter that survives power loss, not only a killed process.
// lowdb's own JSONFile (steno 4) writes `.<name>.tmp` and renames it over the file, so a killed
// process never leaves a half-written file; but it never fsyncs, so after a power cut the
// renamed file can come back empty on ext4/xfs. This adapter keeps steno's temp + rename and
// adds fsync of the temp file before the rename and of the directory after it. A write that
// fails (a full disk) removes its temp file and leaves the previous file as it was.
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { nodeStoreFs, type StoreFs } from './store-fs.js';
import { storageError, writeFully } from './write-fully.js';

export interface DurableJsonFileOptions {
  /** fsync file and directory on every write (default true). Off only for throwaway data. */
  fsync?: boolean;
  fs?: StoreFs;
}

/** The temp name steno uses, so a crash leftover from either writer is recognised on open. */
export function tempFileOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
}

export class DurableJsonFile<T> implements Adapter<T> {
  private readonly temp: string;
  private readonly fsync: boolean;
  private readonly fs: StoreFs;

  constructor(
    readonly file: string,
    options: DurableJsonFileOptions = {},
  ) {
    this.temp = tempFileOf(file);
    this.fsync = options.fsync ?? true;
    this.fs = options.fs ?? nodeStoreFs;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await this.fs.readFile(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      // Rename is atomic, so this means outside tampering or disk damage: refuse to guess.
      throw new Error(`数据文件已损坏，无法解析: ${this.file}`);
    }
  }

  /** Callers serialise writes to one file (the collection's shard lock). */
  async write(data: T): Promise<void> {
    try {
      const fh = await this.fs.open(this.temp, 'w');
      try {
        await writeFully(fh, Buffer.from(JSON.stringify(data), 'utf8'), 0);
        if (this.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await this.fs.rename(this.temp, this.file);
    } catch (e) {
      await this.fs.rm(this.temp).catch(() => {});
      throw storageError(e, this.file);
    }
    if (this.fsync) await syncDir(path.dirname(this.file), this.fs).catch((e: unknown) => Promise.reject(storageError(e, this.file)));
  }
}

/** Makes a rename or a new file in dir durable (a no-op where directories cannot be opened). */
export async function syncDir(dir: string, fs: StoreFs = nodeStoreFs): Promise<void> {
  let fh;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}
