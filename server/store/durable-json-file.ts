// A lowdb adapter that survives power loss, not only a killed process.
// lowdb's own JSONFile (steno 4) writes `.<name>.tmp` and renames it over the file, so a killed
// process never leaves a half-written file; but it never fsyncs, so after a power cut the
// renamed file can come back empty on ext4/xfs. This adapter keeps steno's temp + rename and
// adds fsync of the temp file before the rename and of the directory after it.
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

export interface DurableJsonFileOptions {
  /** fsync file and directory on every write (default true). Off only for throwaway data. */
  fsync?: boolean;
}

/** The temp name steno uses, so a crash leftover from either writer is recognised on open. */
export function tempFileOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
}

export class DurableJsonFile<T> implements Adapter<T> {
  private readonly temp: string;
  private readonly fsync: boolean;

  constructor(
    readonly file: string,
    options: DurableJsonFileOptions = {},
  ) {
    this.temp = tempFileOf(file);
    this.fsync = options.fsync ?? true;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
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
    const fh = await open(this.temp, 'w');
    try {
      await fh.writeFile(JSON.stringify(data), 'utf8');
      if (this.fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(this.temp, this.file);
    if (this.fsync) await syncDir(path.dirname(this.file));
  }
}

/** Makes a rename or a new file in dir durable (a no-op where directories cannot be opened). */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}
