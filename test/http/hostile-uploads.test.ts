// Hostile and malformed uploads to the application form: each answers a Chinese 4xx and leaves no
// file behind, and what is kept is safe to download.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import request from 'supertest';
import { createTestApp, FILES, type TestApp } from '../loop/applications/test-app.js';

const URL = '/api/services/jiaojing/huanzheng/applications';
const B = 'onestopBoundary';

const part = (name: string, value: string) => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const FIELDS = part('name', '张三') + part('phone', '13800138000') + part('kind', 'C1');
const filePart = (name: string, disposition: string, type: string) => `--${B}\r\nContent-Disposition: form-data; name="${name}"; ${disposition}\r\nContent-Type: ${type}\r\n\r\n`;

/** A PNG whose header declares width × height (no pixel data needed to be refused). */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const type = Buffer.from('IHDR');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, ihdr])));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(13);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), length, type, ihdr, crc, Buffer.alloc(32)]);
}

function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('hostile uploads to an application', () => {
  let t: TestApp;
  beforeEach(() => (t = createTestApp()));
  afterEach(() => t.cleanup());

  const leftovers = () => [...filesIn(path.join(t.dataDir, 'uploads')), ...filesIn(path.join(t.dataDir, 'uploads-incoming'))];
  const raw = (contentType: string, body: string | Buffer) =>
    request(t.app).post(URL).set('Cookie', t.cookie('citizen-a')).set('Content-Type', contentType).send(body);
  const submit = (photo: Buffer, name: string, openid = 'citizen-a') =>
    request(t.app)
      .post(URL)
      .set('Cookie', t.cookie(openid))
      .field('name', '张三')
      .field('phone', '13800138000')
      .field('kind', 'C1')
      .attach('photo', photo, name)
      .attach('medical', FILES.pdf, 'm.pdf');

  const malformed: Array<[string, string, string | Buffer]> = [
    ['no boundary', 'multipart/form-data', `${FIELDS}--${B}--\r\n`],
    ['a boundary that does not match the body', 'multipart/form-data; boundary=another', `${FIELDS}--${B}--\r\n`],
    ['a truncated body', `multipart/form-data; boundary=${B}`, `${FIELDS}${filePart('photo', 'filename="a.png"', 'image/png')}${FILES.png.toString('latin1').slice(0, 20)}`],
    ['a raw NUL in a part header', `multipart/form-data; boundary=${B}`, Buffer.concat([Buffer.from(`${FIELDS}${filePart('photo', 'filename="a\u0000.png"', 'image/png')}`), FILES.png, Buffer.from(`\r\n--${B}--\r\n`)])],
  ];
  for (const [what, contentType, body] of malformed) {
    it(`answers 400 in Chinese for ${what} and keeps no file`, async () => {
      const res = await raw(contentType, body);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'VALIDATION');
      assert.match(res.body.message, /上传内容格式不正确/);
      assert.deepEqual(leftovers(), []);
    });
  }

  it('answers 400 for a 1 MB part header sent without Content-Length', async () => {
    const server = http.createServer(t.app).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: URL, method: 'POST', headers: { Cookie: t.cookie('citizen-a'), 'Content-Type': `multipart/form-data; boundary=${B}`, 'Transfer-Encoding': 'chunked' } });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write(`--${B}\r\nContent-Disposition: form-data; name="name"\r\nX-Padding: ${'a'.repeat(1024 * 1024)}\r\n\r\nx\r\n--${B}--\r\n`);
        req.end();
      });
      assert.equal(status, 400);
    } finally {
      server.close();
    }
  });

  it('drops a percent-encoded NUL and bidi overrides from a file name', async () => {
    const body = Buffer.concat([
      Buffer.from(`${FIELDS}${filePart('photo', "filename*=UTF-8''%E7%85%A7%00%E2%80%AEgnp.exe.png", 'image/png')}`),
      FILES.png,
      Buffer.from(`\r\n${filePart('medical', 'filename="m.pdf"', 'application/pdf')}`),
      FILES.pdf,
      Buffer.from(`\r\n--${B}--\r\n`),
    ]);
    const res = await raw(`multipart/form-data; boundary=${B}`, body).expect(201);
    const photo = res.body.attachments.find((a: { name: string }) => a.name === 'photo');
    assert.equal(photo.originalName, '照gnp.exe.png');
  });

  it('cuts a long name on code points, so an emoji is never split and the file still downloads', async () => {
    const name = `x😀${'a'.repeat(95)}.png`; // the old cut (last 100 UTF-16 units) began inside the emoji
    const res = await submit(FILES.png, name).expect(201);
    const photo = res.body.attachments.find((a: { name: string }) => a.name === 'photo');
    assert.equal(photo.originalName, `😀${'a'.repeat(95)}.png`);
    const download = await request(t.app).get(`/api/applications/${res.body.no}/files/${photo.id}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(download.headers['content-disposition'] as string, /filename\*=UTF-8''%F0%9F%98%80a+\.png$/);
  });

  it('downloads a PNG+HTML polyglot named .html as .png', async () => {
    const polyglot = Buffer.concat([FILES.png, Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
    const res = await submit(polyglot, 'page.html').expect(201);
    const photo = res.body.attachments.find((a: { name: string }) => a.name === 'photo');
    const download = await request(t.app).get(`/api/applications/${res.body.no}/files/${photo.id}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.equal(download.headers['content-type'], 'image/png');
    assert.equal(download.headers['content-disposition'], `attachment; filename="${photo.id}.png"; filename*=UTF-8''page.png`);
  });

  it('refuses a PNG that declares 100000×100000 pixels', async () => {
    const res = await submit(pngDeclaring(100_000, 100_000), 'bomb.png').expect(400);
    assert.equal(res.body.message, '附件“本人照片”图片尺寸过大（100000×100000 像素；每边最多 16384，总计最多 1 亿像素）');
    assert.deepEqual(leftovers(), []);
  });

  it('accepts an ordinary 4000×3000 photo header', async () => {
    await submit(pngDeclaring(4000, 3000), 'photo.png').expect(201);
  });

  it('moves accepted files into place and leaves nothing in the incoming folder', async () => {
    await submit(FILES.png, 'p.png').expect(201);
    assert.equal(filesIn(path.join(t.dataDir, 'uploads')).length, 2);
    assert.deepEqual(filesIn(path.join(t.dataDir, 'uploads-incoming')), []);
  });
});

describe('the per-citizen upload quota', () => {
  let t: TestApp;
  afterEach(() => t.cleanup());

  const submit = (openid: string) =>
    request(t.app)
      .post(URL)
      .set('Cookie', t.cookie(openid))
      .field('name', '张三')
      .field('phone', '13800138000')
      .field('kind', 'C1')
      .attach('photo', FILES.png, 'p.png')
      .attach('medical', FILES.pdf, 'm.pdf');

  it('answers 429 in Chinese once a citizen passes the files per day, and counts no one else', async () => {
    t = createTestApp({ config: { uploadQuota: { filesPerDay: 5, bytesPerDay: 10 * 1024 * 1024 } } });
    await submit('citizen-a').expect(201);
    await submit('citizen-a').expect(201);
    const res = await submit('citizen-a').expect(429);
    assert.equal(res.body.message, '24 小时内每人最多上传 5 个文件（已上传 4 个），请明天再试');
    await submit('citizen-b').expect(201);
    t.clock.now = new Date(t.clock.now.getTime() + 24 * 3600_000 + 1000);
    await submit('citizen-a').expect(201);
  });

  it('answers 413 in Chinese once a citizen passes the bytes per day', async () => {
    const perSubmission = FILES.png.length + FILES.pdf.length;
    t = createTestApp({ config: { uploadQuota: { filesPerDay: 50, bytesPerDay: perSubmission * 2 } } });
    await submit('citizen-a').expect(201);
    await submit('citizen-a').expect(201);
    const res = await submit('citizen-a').expect(413);
    assert.equal(res.body.code, 'UPLOAD_QUOTA_BYTES');
    assert.match(res.body.message, /^24 小时内每人最多上传/);
    assert.equal(readdirSync(path.join(t.dataDir, 'uploads')).length, 4, 'the refused files were not kept');
  });

  it('lets 40 concurrent submissions of one citizen through only up to the cap', async () => {
    t = createTestApp({ config: { uploadQuota: { filesPerDay: 10, bytesPerDay: 10 * 1024 * 1024 } } });
    const statuses = (await Promise.all(Array.from({ length: 40 }, () => submit('citizen-a')))).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5);
    assert.equal(statuses.filter((s) => s === 429).length, 35);
  });
});
