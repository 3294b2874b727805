// Verifies bcrypt hashes made before the switch to scrypt, on a worker thread: bcryptjs is pure
// JavaScript (~250-400 ms per compare at cost 12) and would otherwise hold the event loop.
// The worker is started on first use and kept referenced only while a comparison is pending.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// An eval'd CommonJS worker needs no separate file, so it runs the same under tsx and compiled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});`;

export const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();

function startWorker(): Worker {
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
  w.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
    pending.get(id)?.resolve(ok);
    pending.delete(id);
    if (pending.size === 0) w.unref();
  });
  const fail = (err: Error) => {
    if (worker === w) worker = undefined;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`bcrypt worker exited with code ${code}`)));
  return w;
}

export function verifyBcrypt(password: string, hash: string): Promise<boolean> {
  worker ??= startWorker();
  const w = worker;
  const id = nextId++;
  w.ref();
  return new Promise<boolean>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, password, hash });
  });
}
