// A real file system (a temp dir) that behaves like a filling disk: it accepts freeBytes more
// bytes, cuts the write that crosses that line short (as write(2) does) and fails every later
// write with ENOSPC. fsync and truncate can be made to fail with EIO. Truncating gives space back.
import { nodeStoreFs, type StoreFileHandle, type StoreFs } from '../../server/store/store-fs.js';

export function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
}

export class FaultyFs implements StoreFs {
  /** Bytes the disk still accepts. */
  freeBytes = Infinity;
  /** fsync fails with EIO while set. */
  failSync = false;
  /** ftruncate fails with EIO while set. */
  failTruncate = false;
  /** Writes cut short so far (a test can check the fault really happened). */
  shortWrites = 0;

  async open(file: string, flags: string, mode?: number): Promise<StoreFileHandle> {
    const fh = await nodeStoreFs.open(file, flags, mode);
    return {
      write: async (buffer, offset, length, position) => {
        if (length > 0 && this.freeBytes <= 0) throw errnoError('ENOSPC', 'write');
        const n = Math.min(length, this.freeBytes);
        if (n < length) this.shortWrites++;
        const result = await fh.write(buffer, offset, n, position);
        this.freeBytes -= result.bytesWritten;
        return result;
      },
      read: (buffer, offset, length, position) => fh.read(buffer, offset, length, position),
      sync: async () => {
        if (this.failSync) throw errnoError('EIO', 'fsync');
        await fh.sync();
      },
      truncate: async (length) => {
        if (this.failTruncate) throw errnoError('EIO', 'ftruncate');
        const { size } = await fh.stat();
        await fh.truncate(length);
        if (size > length) this.freeBytes += size - length;
      },
      stat: () => fh.stat(),
      close: () => fh.close(),
    };
  }

  readFile = nodeStoreFs.readFile;
  readdir = nodeStoreFs.readdir;
  rename = nodeStoreFs.rename;
  unlink = nodeStoreFs.unlink;
  rm = nodeStoreFs.rm;
  mkdir = nodeStoreFs.mkdir;
}
