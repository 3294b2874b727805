import assert from 'node:assert/strict';
import type { AccountBuild, Diagnostic, WechatMenu } from '../../server/builder/types.js';
import { BuildFailedError } from '../../server/errors.js';
import { publishMenu } from '../../server/wechat/publish-menu.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';


const menu: WechatMenu = { button: [{ type: 'click', name: '出行', key: 'topic:chuxing' }] };
const diagnostic = (severity: Diagnostic['severity']): Diagnostic => ({
  severity,
  code: 'MENU_NAME_TOO_LONG',
  file: 'departments/jiaojing.json',
  line: 3,
  column: 5,
  pointer: '/services/0/menuName',
  message: '菜单名称超过 16 字节',
});
const buildWith = (diagnostics: Diagnostic[]) => ({ menu, diagnostics }) as unknown as AccountBuild;

describe('publishMenu', () => {
  it('sends the build’s menu to WeChat', async () => {
    const client = new FakeWechatClient();
    await publishMenu(client, buildWith([diagnostic('warning')]));
    assert.deepEqual(client.menus, [menu]);
  });

  it('refuses a build with errors and names how many', async () => {
    const client = new FakeWechatClient();
    await assert.rejects(publishMenu(client, buildWith([diagnostic('error'), diagnostic('warning'), diagnostic('error')])), (err) => {
      assert.ok(err instanceof BuildFailedError);
      assert.match(err.message, /2 个错误/);
      assert.equal((err.details as Diagnostic[]).length, 2);
      return true;
    });
    assert.deepEqual(client.menus, []);
  });
});
