// With BLOB_STORE=postgres every upload path keeps its files in the database: two app instances,
// each with its own store connection and its own DATA_DIR (two processes on two hosts), serve each
// other's application attachments and pre-check uploads, and nothing is kept in either DATA_DIR.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import request from 'supertest';
import { loadConfig } from '../../server/config.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { createTestApp, FILES, move, submitLicence, type TestApp } from '../loop/applications/test-app.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';
import express from 'express';
import { createUploadRouter } from '../../server/http/uploads/upload-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createRenderer } from '../../server/render.js';
import { makeBuild, SERVICE, APPOINTMENT_SERVICE } from '../loop/appointment/fixture-build.js';
import type { BuiltService } from '../../server/builder/types.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import path from 'node:path';

describe('uploads with BLOB_STORE=postgres across two processes (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  let stores: PostgresStore[];
  let apps: TestApp[];

  before(async function () {
    url = (await usePostgres(this)).url;
  });
  beforeEach(async () => {
    schema = freshSchema();
    stores = [await createPostgresStore(url, { schema, poolSize: 3 }), await createPostgresStore(url, { schema, poolSize: 3 })];
    apps = stores.map((store) => {
      const config = { ...loadConfig({ STORE_URL: url, BLOB_STORE: 'postgres', SESSION_SECRET: 'test-secret' }) };
      return createTestApp({ store, blobs: store.blobs, config: { blobs: config.blobs } });
    });
  });
  afterEach(async () => {
    for (const t of apps) t.cleanup();
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(url, schema);
  });

  const keptLocally = (t: TestApp) => (existsSync(path.join(t.dataDir, 'uploads')) ? readdirSync(path.join(t.dataDir, 'uploads')) : []);

  it('serves an attachment submitted through one process from the other, and a resubmission replaces it everywhere', async () => {
    const [one, two] = apps as [TestApp, TestApp];
    const no = await submitLicence(one);
    const app = (await request(two.app).get(`/api/applications/${no}`).set('Cookie', two.cookie('citizen-a')).expect(200)).body;
    const photo = app.attachments.find((a: { name: string }) => a.name === 'photo');
    const got = await request(two.app).get(`/api/applications/${no}/files/${photo.id}`).set('Cookie', two.cookie('citizen-a')).buffer(true).parse(binary).expect(200);
    assert.deepEqual(got.body, FILES.png);
    assert.equal(got.headers['content-type'], 'image/png');

    await move(one, await one.staff('jiaojing'), no, 'supplement', { note: '照片不清晰' }).expect(200);
    const resubmitted = await request(two.app)
      .post(`/api/applications/${no}/resubmit`)
      .set('Cookie', two.cookie('citizen-a'))
      .field('name', '张三')
      .field('phone', '13800138000')
      .field('kind', 'C1')
      .attach('photo', FILES.jpg, 'new.jpg')
      .expect(200);
    const newPhoto = resubmitted.body.attachments.find((a: { name: string }) => a.name === 'photo');
    const again = await request(one.app).get(`/api/applications/${no}/files/${newPhoto.id}`).set('Cookie', one.cookie('citizen-a')).buffer(true).parse(binary).expect(200);
    assert.deepEqual(again.body, FILES.jpg);
    await assert.rejects(stores[0]!.blobs.open(photo.id), /文件不存在/, 'the replaced photo is removed from the blob store');
    assert.deepEqual([...keptLocally(one), ...keptLocally(two)], [], 'no file is kept in either DATA_DIR');
  });

  it('serves a pre-check upload made through one process from the other', async () => {
    const build = makeBuild();
    const appointment = APPOINTMENT_SERVICE.steps.appointment!;
    const withFile: BuiltService = { ...APPOINTMENT_SERVICE, steps: { ...APPOINTMENT_SERVICE.steps, appointment: { ...appointment, fields: [...(appointment.fields ?? []), { name: 'proof', label: '遗失证明', type: 'file', accept: ['png'], maxSizeKb: 64 }] } } };
    build.services = [withFile];
    const routers = apps.map((t, i) => {
      const app = express();
      app.use('/api', createUploadRouter({ config: t.deps.config, store: stores[i]!, blobs: stores[i]!.blobs, live: createLiveBuild(build), renderer: createRenderer() }));
      app.use(errorHandler());
      return app;
    });
    const cookie = `${CITIZEN_COOKIE}=${signCitizenSession('alice', 'test-secret')}`;
    const up = await request(routers[0]!).post(`/api/uploads?service=${SERVICE}&field=proof`).set('Cookie', cookie).attach('file', FILES.png, 'proof.png').expect(201);
    const got = await request(routers[1]!).get(`/api/uploads/${up.body.id}`).set('Cookie', cookie).buffer(true).parse(binary).expect(200);
    assert.deepEqual(got.body, FILES.png);
    assert.deepEqual([...keptLocally(apps[0]!), ...keptLocally(apps[1]!)], []);
  });
});

/** supertest: collect the body as bytes whatever its type. */
function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
