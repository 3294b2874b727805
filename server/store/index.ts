// The store's front door: the Store contract and its implementations; the only importer of lowdb.
// Other rooms import this folder only through this file; everything else in it is private.
export { type BlobInfo, type BlobStore, checkBlobId, createDirBlobStore, readBlob } from './blob-store.js';
export { countBy, type Counter, incrementCounter, withLocks, withLocksReading } from './counting.js';
export { KeyedLock } from './keyed-lock.js';
export { createLowdbStore } from './lowdb-store.js';
export { migrateToPostgres, type MigrationReport } from './migrate-to-postgres.js';
export { type ArchivedMonth, archiveLogMonths } from './postgres/archive-logs.js';
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
export type { Collection, Doc, LockedRead, LockedReadResult, Log, SharedOnce, Store } from './types.js';
export { LogPositionError } from './types.js';
export { jobQueueOf } from './job-queue.js';
export type { Job, JobQueue, JobState, NewJob } from './job-types.js';
export { isStorageError, storageError, storageHealth } from './write-fully.js';
export type { StorageHealth } from './write-fully.js';
