// The local stand-in of the departments' systems checks requests as a real system should:
// the signature, its age, and that the same signed request is not accepted twice.
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { signRequest, STANDIN_SAMPLES } from '../../server/connectors/index.js';
import { createDepartmentStandin } from '../../server/http/index.js';

const SECRETS = { jiaojing: 'jj-secret', gongjijin: 'gjj-secret', renshe: 'rs-token' };

describe('the departments’ stand-in', () => {
  const app = express().use(createDepartmentStandin({ secrets: SECRETS }));
  const [plate, vehicle] = Object.entries(STANDIN_SAMPLES.vehicles)[0]!;
  const target = `/jiaojing/violations/${encodeURIComponent(plate)}?vin=${vehicle.vin}`;

  it('answers a correctly signed request and refuses the same request replayed', async () => {
    const headers = signRequest(SECRETS.jiaojing, 'GET', target, '');
    const first = await request(app).get(target).set(headers);
    assert.equal(first.status, 200);
    assert.equal(first.body.data.plate, plate);
    const replay = await request(app).get(target).set(headers);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, 'BAD_SIGNATURE');
  });

  it('refuses a request signed with another department’s secret', async () => {
    const res = await request(app).get(target).set(signRequest(SECRETS.gongjijin, 'GET', target, ''));
    assert.equal(res.status, 401);
  });
});
