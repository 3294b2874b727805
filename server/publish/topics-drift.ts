// At start-up the server restores the last published version, so later edits to TOPICS_DIR are
// not live. Say so, naming the files that differ, and how to publish them.
import type { CityFiles } from '../builder/index.js';
import type { CityVersion } from './publisher.js';

export interface DriftOptions {
  topicsDir: string;
  consoleUrl: string;
  localMode: boolean;
}

/** Lines to print when the directory differs from the live version; none when they agree. */
export function describeTopicsDrift(dir: CityFiles, live: CityVersion, options: DriftOptions): string[] {
  const text = (files: CityFiles) => new Map(files.files.map((f) => [f.path, f.text]));
  const before = text(live.files);
  const after = text(dir);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
  if (!changed.length) return [];
  const shown = changed.length > 5 ? `${changed.slice(0, 5).join('、')} 等` : changed.join('、');
  return [
    `注意：主题目录 ${options.topicsDir} 与线上版本 #${live.number} 不同（${changed.length} 个文件：${shown}），服务器仍按线上版本 #${live.number} 运行。`,
    `  要发布目录中的修改：在管理后台 ${options.consoleUrl}departments 打开这些文件，保存为草稿 → 提交审核 → 批准 → 发布；`,
    options.localMode
      ? '  或停止服务器后运行 npx onestop publish（本地模式：发布到本地替身，下次启动即生效）。'
      : '  或停止服务器后运行 npx onestop publish（发布到微信公众号）。',
  ];
}
