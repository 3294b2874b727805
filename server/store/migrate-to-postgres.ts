// `onestop store migrate`: copies a lowdb city (DATA_DIR/store) into PostgreSQL and checks that
// every collection and log arrived with the same count. The source is opened like the server
// opens it (taking its LOCK, so it refuses while `onestop serve` runs on that directory), and the
// target must be empty, so a second run cannot double the logs. Uploaded files stay where they
// are (DATA_DIR/uploads, for BLOB_STORE=dir) unless `uploadsDir` is given: then they are copied
// into the database's blob tables too (for BLOB_STORE=postgres) and counted like the rest.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '../errors.js';
import { createDirBlobStore } from './blob-store.js';
import { createLowdbStore } from './lowdb-store.js';
import { countTarget, importDocuments, importLogRecords } from './postgres/bulk-import.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import type { Doc } from './types.js';

export interface MigrationReport {
  collections: Array<{ name: string; source: number; target: number }>;
  logs: Array<{ name: string; source: number; target: number }>;
  /** Present when the uploaded files were copied too. */
  uploads?: { source: number; target: number };
  ok: boolean;
  ms: number;
}

async function names(dir: string, pick: (entry: { name: string; isDirectory(): boolean }) => string | undefined): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map(pick).filter((n): n is string => n !== undefined).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function migrateToPostgres(storeDir: string, url: string, options: { schema?: string; progress?: (line: string) => void; uploadsDir?: string } = {}): Promise<MigrationReport> {
  const started = Date.now();
  const progress = options.progress ?? (() => {});
  const collectionNames = await names(path.join(storeDir, 'collections'), (e) => (e.isDirectory() ? e.name : undefined));
  const logNames = await names(path.join(storeDir, 'logs'), (e) => (!e.isDirectory() && e.name.endsWith('.jsonl') ? e.name.slice(0, -'.jsonl'.length) : undefined));
  const source = await createLowdbStore(storeDir, { fsync: false });
  try {
    const target = await createPostgresStore(url, options.schema ? { schema: options.schema } : {});
    try {
      const before = await countTarget(target.pool);
      const occupied = [...before.documents.keys(), ...before.logs.keys()];
      if (occupied.length) {
        throw new ConflictError(`目标数据库不是空的（已有 ${occupied.slice(0, 5).join('、')} 等数据），为避免重复导入，已停止。请换一个空数据库。`, { occupied });
      }
      const report: MigrationReport = { collections: [], logs: [], ok: true, ms: 0 };
      for (const name of collectionNames) {
        const docs = await source.collection<Doc>(name).list();
        await importDocuments(target.pool, name, docs);
        progress(`集合 ${name}: ${docs.length} 条`);
        report.collections.push({ name, source: docs.length, target: 0 });
      }
      for (const name of logNames) {
        const records = await source.log(name).read();
        await importLogRecords(target.pool, name, records);
        progress(`日志 ${name}: ${records.length} 条`);
        report.logs.push({ name, source: records.length, target: 0 });
      }
      if (options.uploadsDir) {
        const files = await createDirBlobStore(options.uploadsDir).list();
        for (const f of files) await target.blobs.putFile(f.id, path.join(options.uploadsDir, f.id));
        report.uploads = { source: files.length, target: (await target.blobs.list()).length };
        progress(`上传文件: ${files.length} 个`);
      }
      const after = await countTarget(target.pool);
      for (const c of report.collections) c.target = after.documents.get(c.name) ?? 0;
      for (const l of report.logs) l.target = after.logs.get(l.name) ?? 0;
      report.ok = [...report.collections, ...report.logs, ...(report.uploads ? [report.uploads] : [])].every((x) => x.source === x.target);
      report.ms = Date.now() - started;
      return report;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
