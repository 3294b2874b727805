// Upload memory benchmark: 16 concurrent 40 MB multipart bodies (chunked, so no Content-Length
// check stops them) against the real upload middleware, which streams files to disk, and, as the
// baseline in the same run, the same multer limits with in-memory storage (what onestop did before).
// Run: npx tsx bench/uploads.ts. Prints peak RSS growth for each. Each runs in its own child
// process so one cannot inherit the other's heap.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import multer from 'multer';
import { multipartUpload } from '../server/http/multipart-upload.js';

const CONCURRENT = 16;
const BODY_MB = 40;
const SPEC = [{ name: 'scan', label: '扫描件', required: true, types: ['pdf' as const], maxSizeKb: (BODY_MB + 1) * 1024 }];
const BOUNDARY = 'benchBoundary';

async function measure(mode: 'disk' | 'memory'): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onestop-bench-uploads-'));
  const app = express();
  const parse =
    mode === 'disk'
      ? multipartUpload(SPEC, 0, dataDir)
      : multer({ storage: multer.memoryStorage(), limits: { fileSize: SPEC[0]!.maxSizeKb * 1024, files: 1 } }).any();
  app.post('/upload', parse, (_req, res) => void res.status(204).end());
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const chunk = Buffer.alloc(1024 * 1024, 32);
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/upload', method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Transfer-Encoding': 'chunked' } });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="scan"; filename="s.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`);
      let sent = 0;
      const pump = () => {
        while (sent < BODY_MB) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end(`\r\n--${BOUNDARY}--\r\n`);
      };
      pump();
    });
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: CONCURRENT }, one));
  clearInterval(timer);
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(`${mode.padEnd(7)} statuses ${[...new Set(statuses)].join(',')}  RSS ${mb(before)} → peak ${mb(peak)} MB (+${mb(peak - before)} MB)  ${Date.now() - started} ms`);
}

const mode = process.argv[2];
if (mode === 'disk' || mode === 'memory') {
  await measure(mode);
} else {
  console.log(`${CONCURRENT} concurrent ${BODY_MB} MB multipart bodies, chunked`);
  const self = fileURLToPath(import.meta.url);
  for (const m of ['disk', 'memory (baseline)']) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', self, m.split(' ')[0]!], { stdio: 'inherit' });
    if (run.status !== 0) process.exitCode = 1;
  }
}
