import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../../server/http/error-handler.js';
import { requireStaff } from '../../../server/http/identity.js';
import { createStaffTokenCommand, issueStaffToken } from '../../../server/http/staff-commands.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';

describe('staff tokens', () => {
  it('prints a token once that then authenticates as the department', async () => {
    const store = createMemoryStore();
    const lines: string[] = [];
    const token = await issueStaffToken(store, 'jiaojing', '窗口1', (l) => lines.push(l));
    assert.ok(lines.includes(token));
    const app = express();
    app.get('/who', requireStaff(store), (_req, res) => void res.json(res.locals.staff));
    app.use(errorHandler());
    await request(app).get('/who').set('Authorization', `Bearer ${token}`).expect(200, { department: 'jiaojing', label: '窗口1' });
  });

  it('refuses a malformed department id', async () => {
    await assert.rejects(issueStaffToken(createMemoryStore(), 'Jiao Jing', '窗口1', () => {}), /部门标识/);
  });

  it('runs as the staff-token command', async () => {
    const store = createMemoryStore();
    const lines: string[] = [];
    await createStaffTokenCommand(async () => store, (l) => lines.push(l)).parseAsync(['--department', 'shebao', '--label', '窗口2'], { from: 'user' });
    assert.match(lines.join('\n'), /ost_/);
    assert.equal((await store.collection('staffTokens').list()).length, 1);
  });
});
