// The few file-system calls the lowdb store makes, behind one seam so tests can inject a full
// disk (short writes, ENOSPC, EIO) without root or a real small file system. Production uses
// node:fs/promises as it is.
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';

export interface StoreFileHandle {
  /** May write fewer bytes than asked (a filling disk): callers use writeFully. */
  write(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface StoreFs {
  open(file: string, flags: string, mode?: number): Promise<StoreFileHandle>;
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  rm(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
}

export const nodeStoreFs: StoreFs = {
  open: (file, flags, mode) => open(file, flags, mode),
  readFile: (file) => readFile(file, 'utf8'),
  readdir: (dir) => readdir(dir),
  rename: (from, to) => rename(from, to),
  unlink: (file) => unlink(file),
  rm: (file) => rm(file, { force: true }),
  mkdir: async (dir) => void (await mkdir(dir, { recursive: true })),
};
