// Sends a build's merged menu to WeChat (or the local stand-in). A build with errors never reaches
// WeChat: a half-valid menu would replace the city's working one.
import type { AccountBuild } from '../builder/index.js';
import { BuildFailedError } from '../errors.js';
import type { WechatClient } from './client-types.js';

export async function publishMenu(client: WechatClient, build: AccountBuild): Promise<void> {
  const errors = build.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new BuildFailedError(`构建有 ${errors.length} 个错误，菜单未发布到微信，请先修正这些错误`, errors);
  }
  await client.createMenu(build.menu);
}
