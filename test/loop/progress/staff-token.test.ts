import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../../server/http/error-handler.js';
import { requireStaff } from '../../../server/http/identity.js';
import { hashToken, staffTokensOf } from '../../../server/desk/staff-tokens.js';
import { createStaffTokenCommand, issueStaffToken, listStaffTokens, revokeStaffToken } from '../../../server/cli/staff-token-command.js';
import type { Store } from '../../../server/store/types.js';
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

  describe('list and revoke', () => {
    const whoApp = (store: Store) => {
      const app = express();
      app.get('/who', requireStaff(store), (_req, res) => void res.json(res.locals.staff));
      app.use(errorHandler());
      return app;
    };
    const command = (store: Store, lines: string[], ...args: string[]) =>
      createStaffTokenCommand(async () => store, (l) => lines.push(l)).parseAsync(args, { from: 'user' });

    it('prints the token’s id when issuing: the first 8 hex digits of its hash', async () => {
      const lines: string[] = [];
      const token = await issueStaffToken(createMemoryStore(), 'jiaojing', '窗口1', (l) => lines.push(l));
      assert.ok(lines.some((l) => l.includes(`令牌编号：${hashToken(token).slice(0, 8)}`)), lines.join('\n'));
    });

    it('lists a department’s tokens by id, label and date, never the token itself', async () => {
      const store = createMemoryStore();
      const a = await issueStaffToken(store, 'jiaojing', '窗口1', () => {});
      await issueStaffToken(store, 'shebao', '窗口2', () => {});
      const lines: string[] = [];
      await command(store, lines, '--list', '--department', 'jiaojing');
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, new RegExp(`^${hashToken(a).slice(0, 8)}  jiaojing  窗口1  签发于 \\d{4}-\\d{2}-\\d{2}T.*  有效$`));
      assert.ok(!lines[0]!.includes(a));
      const all: string[] = [];
      await command(store, all, '--list');
      assert.equal(all.length, 2);
      const none: string[] = [];
      await listStaffTokens(store, 'chengguan', (l) => none.push(l));
      assert.deepEqual(none, ['部门 chengguan 没有访问令牌']);
    });

    it('revokes a token by its id, after which requireStaff refuses it and others still work', async () => {
      const store = createMemoryStore();
      const revoked = await issueStaffToken(store, 'jiaojing', '窗口1', () => {});
      const kept = await issueStaffToken(store, 'jiaojing', '窗口2', () => {});
      await request(whoApp(store)).get('/who').set('Authorization', `Bearer ${revoked}`).expect(200);
      const lines: string[] = [];
      await command(store, lines, '--revoke', hashToken(revoked).slice(0, 8));
      assert.match(lines.join('\n'), /已吊销部门 jiaojing（窗口1）的访问令牌/);
      const res = await request(whoApp(store)).get('/who').set('Authorization', `Bearer ${revoked}`).expect(401);
      assert.match(res.body.message, /已被吊销/);
      await request(whoApp(store)).get('/who').set('Authorization', `Bearer ${kept}`).expect(200, { department: 'jiaojing', label: '窗口2' });
      const listed: string[] = [];
      await listStaffTokens(store, 'jiaojing', (l) => listed.push(l));
      assert.match(listed.find((l) => l.includes('窗口1'))!, /已吊销（\d{4}-/);
      assert.match(listed.find((l) => l.includes('窗口2'))!, /有效$/);
    });

    it('refuses an unknown, malformed or ambiguous id, revoking nothing', async () => {
      const store = createMemoryStore();
      const token = await issueStaffToken(store, 'jiaojing', '窗口1', () => {});
      await assert.rejects(revokeStaffToken(store, '00000000', () => {}), /没有编号为 00000000 的访问令牌/);
      await assert.rejects(revokeStaffToken(store, 'abc', () => {}), /令牌编号“abc”无效/);
      await staffTokensOf(store).insert({ id: `${hashToken(token).slice(0, 8)}${'0'.repeat(56)}`, department: 'shebao', label: '撞号', createdAt: new Date().toISOString() });
      await assert.rejects(revokeStaffToken(store, hashToken(token).slice(0, 8), () => {}), /对应 2 个令牌/);
      await request(whoApp(store)).get('/who').set('Authorization', `Bearer ${token}`).expect(200);
      await revokeStaffToken(store, hashToken(token).slice(0, 12), () => {});
      await request(whoApp(store)).get('/who').set('Authorization', `Bearer ${token}`).expect(401);
    });

    it('still needs --department and --label to issue', async () => {
      const store = createMemoryStore();
      await assert.rejects(command(store, [], '--department', 'jiaojing'), /--label/);
      await assert.rejects(command(store, [], '--label', '窗口1'), /--department/);
      assert.equal((await store.collection('staffTokens').list()).length, 0);
    });
  });
});
