// Pre-check uploads for appointment forms: POST /api/uploads, GET /api/uploads/:id, and booking
// with the returned id. Files go to a temp data dir; the store is in memory.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import type { AccountBuild, BuiltService } from '../../server/builder/types.js';
import { loadConfig } from '../../server/config.js';
import { createAppointmentRouter } from '../../server/http/appointments/appointment-router.js';
import { createBookingPagesRouter } from '../../server/http/appointments/booking-pages-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { createStaffToken } from '../../server/desk/staff-tokens.js';
import { createRenderer } from '../../server/render.js';
import { createUploadRouter } from '../../server/http/uploads/upload-router.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { RouterDeps } from '../../server/http/router-deps.js';
import { MAX_UPLOADS_PER_DAY } from '../../server/loop/appointment/save-upload.js';
import { type Upload, uploadsOf } from '../../server/loop/uploads/upload-types.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { APPOINTMENT_SERVICE, makeBuild, NOW, SERVICE, VALID_FIELDS } from '../loop/appointment/fixture-build.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const OTHER_SERVICE = 'shebao/chaxun';
const SLOT = '2026-03-06T01:00:00.000Z'; // Friday 09:00

/** The fixture service with two optional file fields: a PNG/JPG one of 64 KB and one with the defaults. */
function buildWithFileFields(): AccountBuild {
  const build = makeBuild();
  const appointment = APPOINTMENT_SERVICE.steps.appointment!;
  const withFiles: BuiltService = {
    ...APPOINTMENT_SERVICE,
    steps: {
      ...APPOINTMENT_SERVICE.steps,
      appointment: {
        ...appointment,
        fields: [
          ...(appointment.fields ?? []),
          { name: 'proof', label: '遗失证明', type: 'file', accept: ['png', 'jpg'], maxSizeKb: 64 },
          { name: 'photo', label: '照片', type: 'file' },
        ],
      },
    },
  };
  const other: BuiltService = { ...withFiles, ref: OTHER_SERVICE, id: 'chaxun', name: '社保查询' };
  build.services = [withFiles, other];
  return build;
}

describe('pre-check uploads', () => {
  let dir: string;
  let deps: RouterDeps;
  let app: express.Express;
  const cookie = (openid: string) => `${CITIZEN_COOKIE}=${signCitizenSession(openid, deps.config.sessionSecret)}`;
  const upload = (openid: string, bytes: Buffer, name = 'proof.png', query = `service=${SERVICE}&field=proof`) =>
    request(app).post(`/api/uploads?${query}`).set('Cookie', cookie(openid)).attach('file', bytes, name);
  const stored = () => readdir(path.join(dir, 'uploads')).catch(() => [] as string[]);
  const book = (openid: string, fields: Record<string, string>) =>
    request(app)
      .post(`/api/services/${SERVICE}/appointments`)
      .set('Cookie', cookie(openid))
      .send({ hall: 'tianhe', start: SLOT, fields: { ...VALID_FIELDS, ...fields } });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-uploads-'));
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://gov.example.cn', SESSION_SECRET: 'test-secret', DATA_DIR: dir });
    deps = { config, store: createMemoryStore(), live: createLiveBuild(buildWithFileFields()), renderer: createRenderer(), now: () => NOW };
    app = express();
    app.use('/api', createUploadRouter(deps));
    app.use('/api', createAppointmentRouter(deps));
    app.use(createBookingPagesRouter(deps));
    app.use(errorHandler());
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  describe('POST /api/uploads', () => {
    it('stores a sniffed PNG under a random name and answers 201 with its id', async () => {
      const res = await upload('alice', PNG, '../../我的证明.png').expect(201);
      assert.match(res.body.id, /^[0-9a-f]{32}$/);
      assert.deepEqual(res.body, { id: res.body.id, name: '我的证明.png', type: 'png', size: PNG.length });
      assert.equal(res.headers.location, `/api/uploads/${res.body.id}`);
      assert.deepEqual(await stored(), [res.body.id]);
      const record = (await uploadsOf(deps.store).get(res.body.id)) as Upload;
      assert.deepEqual(
        [record.openid, record.service, record.field, record.department, record.type, record.mime, record.size, record.createdAt],
        ['alice', SERVICE, 'proof', 'shebao', 'png', 'image/png', PNG.length, NOW.toISOString()],
      );
    });

    it('takes service and field as form fields too', async () => {
      const res = await request(app)
        .post('/api/uploads')
        .set('Cookie', cookie('alice'))
        .field('service', SERVICE)
        .field('field', 'photo')
        .attach('file', PDF, 'scan.pdf')
        .expect(201);
      assert.equal(res.body.type, 'pdf');
      assert.equal((await uploadsOf(deps.store).get(res.body.id))?.field, 'photo');
    });

    it('rejects by sniffing: a PDF named .png is not a PNG, and an .exe is nothing accepted', async () => {
      const pdf = await upload('alice', PDF, 'proof.png').expect(400);
      assert.equal(pdf.body.message, '附件“遗失证明”的文件类型不符，仅支持 PNG、JPG');
      const exe = await upload('alice', EXE, 'photo.jpg', `service=${SERVICE}&field=photo`).expect(400);
      assert.equal(exe.body.message, '附件“照片”的文件类型不符，仅支持 PDF、JPG、PNG');
      assert.deepEqual(await stored(), []);
      assert.equal(await uploadsOf(deps.store).count(), 0);
    });

    it('answers 413 for a file over the field’s maxSizeKb, before or after naming the field', async () => {
      const big = Buffer.concat([PNG, Buffer.alloc(65 * 1024)]);
      const res = await upload('alice', big).expect(413);
      assert.equal(res.body.message, '附件“遗失证明”超过大小限制（最大 64KB）');
      // Named only in the body: read up to the largest field's limit (5 MB), then held to 64 KB.
      const late = await request(app).post('/api/uploads').set('Cookie', cookie('alice')).field('service', SERVICE).field('field', 'proof').attach('file', big, 'p.png').expect(413);
      assert.equal(late.body.message, '附件“遗失证明”超过大小限制（最大 64KB）');
      const huge = await upload('alice', Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'p.png', `service=${SERVICE}&field=photo`).expect(413);
      assert.match(huge.body.message, /超过大小限制|上传内容过大/);
      assert.deepEqual(await stored(), []);
    });

    it('accepts one file only, and needs one', async () => {
      const two = await request(app).post(`/api/uploads?service=${SERVICE}&field=proof`).set('Cookie', cookie('alice')).attach('file', PNG, 'a.png').attach('file', PNG, 'b.png').expect(400);
      assert.match(two.body.message, /最多上传 1 个/);
      const none = await request(app).post(`/api/uploads?service=${SERVICE}&field=proof`).set('Cookie', cookie('alice')).field('note', 'x').expect(400);
      assert.equal(none.body.message, '请上传“遗失证明”');
      assert.deepEqual(await stored(), []);
    });

    it('answers 400 for a field that is not a declared appointment file field', async () => {
      const text = await upload('alice', PNG, 'p.png', `service=${SERVICE}&field=name`).expect(400);
      assert.equal(text.body.message, '“社保卡补办”的预约表单没有名为“name”的上传项');
      await upload('alice', PNG, 'p.png', `field=proof`).expect(400);
      await upload('alice', PNG, 'p.png', `service=shebao/nothing&field=proof`).expect(404);
    });

    it('answers 401 without a citizen session', async () => {
      await request(app).post(`/api/uploads?service=${SERVICE}&field=proof`).attach('file', PNG, 'p.png').expect(401);
    });

    it(`allows ${MAX_UPLOADS_PER_DAY} uploads per citizen in 24 hours`, async () => {
      for (let i = 0; i < MAX_UPLOADS_PER_DAY; i++) await upload('alice', PNG).expect(201);
      const res = await upload('alice', PNG).expect(429);
      assert.match(res.body.message, /24 小时内最多上传 50 个文件/);
      await upload('bob', PNG).expect(201);
    });
  });

  describe('GET /api/uploads/:id', () => {
    it('gives the owner and the department’s staff the file, and nobody else', async () => {
      const { body } = await upload('alice', PNG, '证明.png').expect(201);
      const own = await request(app).get(`/api/uploads/${body.id}`).set('Cookie', cookie('alice')).buffer(true).expect(200);
      assert.deepEqual(own.body, PNG);
      assert.equal(own.headers['content-type'], 'image/png');
      assert.equal(own.headers['x-content-type-options'], 'nosniff');
      assert.match(own.headers['content-disposition'] ?? '', /^attachment; filename="[0-9a-f]{32}\.png"; filename\*=UTF-8''%E8%AF%81%E6%98%8E\.png$/);

      const staff = await createStaffToken(deps.store, 'shebao', '天河窗口');
      await request(app).get(`/api/uploads/${body.id}`).set('Authorization', `Bearer ${staff}`).expect(200);
      const stranger = await createStaffToken(deps.store, 'jiaojing', '交警窗口');
      await request(app).get(`/api/uploads/${body.id}`).set('Authorization', `Bearer ${stranger}`).expect(404);
      const other = await request(app).get(`/api/uploads/${body.id}`).set('Cookie', cookie('mallory')).expect(404);
      assert.equal(other.body.message, '文件不存在');
      await request(app).get(`/api/uploads/${body.id}`).expect(401);
      await request(app).get('/api/uploads/..%2F..%2Fetc%2Fpasswd').set('Cookie', cookie('alice')).expect(404);
    });
  });

  describe('booking with uploads', () => {
    it('books with the citizen’s own upload and keeps its id in the fields', async () => {
      const { body } = await upload('alice', PNG).expect(201);
      const res = await book('alice', { proof: body.id }).expect(201);
      assert.equal(res.body.appointment.fields.proof, body.id);
    });

    it('answers 400 for another citizen’s upload id', async () => {
      const { body } = await upload('alice', PNG).expect(201);
      const res = await book('mallory', { proof: body.id }).expect(400);
      assert.deepEqual(res.body.details, [{ field: 'proof', label: '遗失证明', message: '“遗失证明”不是您为本事项上传的文件，请重新上传' }]);
    });

    it('answers 400 for an upload made for another field or service, or one that does not exist', async () => {
      const photo = await upload('alice', PNG, 'p.png', `service=${SERVICE}&field=photo`).expect(201);
      await book('alice', { proof: photo.body.id }).expect(400);
      const elsewhere = await upload('alice', PNG, 'p.png', `service=${OTHER_SERVICE}&field=proof`).expect(201);
      await book('alice', { proof: elsewhere.body.id }).expect(400);
      const missing = await book('alice', { proof: 'a'.repeat(32) }).expect(400);
      assert.equal(missing.body.details[0].field, 'proof');
      const malformed = await book('alice', { proof: 'not-an-id' }).expect(400);
      assert.equal(malformed.body.details[0].message, '“遗失证明”不是有效的上传文件，请重新上传');
    });
  });

  describe('the booking page', () => {
    it('renders a file input per file field that uploads on change', async () => {
      const res = await request(app).get(`/s/${SERVICE}/book`).set('Cookie', cookie('alice')).expect(200);
      assert.match(res.text, /<input id="f-proof" type="file" accept="\.png,image\/png,\.jpg,\.jpeg,image\/jpeg" data-upload="proof" data-max-kb="64"/);
      assert.match(res.text, /<input type="hidden" name="proof" data-field data-upload-id="proof">/);
      assert.match(res.text, /PNG、JPG，不超过 64KB/);
      assert.match(res.text, /data-upload="photo" data-max-kb="5120"/);
      assert.match(res.text, /<script src="\/assets\/h5\/appointment-book\.js"><\/script>/);
    });
  });
});
