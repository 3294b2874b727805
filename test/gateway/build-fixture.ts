// Small AccountBuild objects for gateway tests and the benchmark, independent of the builder.
import type { AccountBuild, BuiltHall, BuiltService, CompiledKeyword, KeywordTarget } from '../../server/builder/types.js';
import { normalizeKeyword } from '../../server/builder/normalize.js';
import type { WeeklyHours } from '../../server/model/generated.js';

export const BASE_URL = 'https://gov.example.cn';
const OFFICE: WeeklyHours = Object.fromEntries(
  (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((d) => [d, [{ open: '09:00', close: '12:00' }, { open: '13:30', close: '17:30' }]]),
);

const noSteps = { location: false, appointment: false, processing: false, payment: false, progress: false, rating: false };

function service(department: string, id: string, name: string, summary: string, topics: string[], halls: string[] = []): BuiltService {
  return { ref: `${department}/${id}`, department, id, name, menuName: name, summary, url: `${BASE_URL}/s/${department}/${id}`, topics, steps: {}, halls, online: { ...noSteps } };
}

export function keyword(text: string, owner: string, target: KeywordTarget, extra: Partial<CompiledKeyword> = {}): CompiledKeyword {
  return { text, normalized: normalizeKeyword(text), match: 'contains', priority: 0, owner, target, source: { file: `departments/${owner}.json`, pointer: '/services/0/keywords/0' }, ...extra };
}

function hall(department: string, id: string, name: string, lat: number, lng: number, extra: Partial<BuiltHall> = {}): BuiltHall {
  return { ref: `${department}/${id}`, department, id, name, address: `${name}地址`, lat, lng, phone: '020-12345678', hours: OFFICE, ...extra };
}

/** Two departments, two topics, keywords of every kind, three halls around Guangzhou's sample location. */
export function makeBuild(overrides: Partial<AccountBuild> = {}): AccountBuild {
  const build: AccountBuild = {
    formatVersion: 1,
    hash: 'test-build-1',
    publicBaseUrl: BASE_URL,
    account: {
      name: '示例市政务服务',
      type: 'service',
      welcome: '欢迎关注示例市政务服务！',
      defaultReply: '您的留言已收到。',
      desk: { hours: OFFICE, hotline: '12345' },
      calendar: { holidays: ['2026-10-01'], workdays: [] },
      badReviewDeadlineDays: 5,
    },
    menu: { button: [{ type: 'click', name: '出行', key: 'topic:chuxing' }, { type: 'click', name: '社保', key: 'topic:shebao' }, { type: 'location_select', name: '附近', key: 'loc:nearby' }] },
    menuKeys: {
      'topic:chuxing': { kind: 'topic', topic: 'chuxing' },
      'topic:shebao': { kind: 'topic', topic: 'shebao' },
      'svc:jiaojing/weizhang-chaxun': { kind: 'service', service: 'jiaojing/weizhang-chaxun' },
      'more:shebao': { kind: 'more', topic: 'shebao', services: ['renshe/shebao-chaxun'] },
      'loc:nearby': { kind: 'location' },
    },
    keywords: [
      keyword('违章', 'jiaojing', { kind: 'service', service: 'jiaojing/weizhang-chaxun' }),
      keyword('违章查询', 'jiaojing', { kind: 'service', service: 'jiaojing/weizhang-chaxun' }, { match: 'exact' }),
      keyword('驾驶证', 'jiaojing', { kind: 'service', service: 'jiaojing/jiashizheng-huanzheng' }),
      keyword('社保', 'renshe', { kind: 'topic', topic: 'shebao' }),
      keyword('社保卡补办', 'renshe', { kind: 'service', service: 'renshe/shebaoka-buban' }),
      keyword('ETC', 'jiaojing', { kind: 'service', service: 'jiaojing/etc' }),
      keyword('补办', 'renshe', { kind: 'disambiguation', services: ['renshe/shebaoka-buban', 'jiaojing/jiashizheng-huanzheng'] }, { match: 'exact', resolution: 'disambiguate' }),
    ],
    topics: [
      { id: 'chuxing', name: '出行', menuName: '出行', description: '违章、驾驶证、ETC', lead: 'jiaojing', cooperating: [], services: ['jiaojing/weizhang-chaxun', 'jiaojing/jiashizheng-huanzheng', 'jiaojing/etc'], order: 1 },
      { id: 'shebao', name: '社保就业', menuName: '社保', description: '社保卡、社保查询', lead: 'renshe', cooperating: [], services: ['renshe/shebaoka-buban', 'renshe/shebao-chaxun'], order: 2 },
    ],
    departments: [
      { id: 'jiaojing', name: '市公安局交警支队', hotline: '122' },
      { id: 'renshe', name: '市人社局' },
    ],
    services: [
      service('jiaojing', 'weizhang-chaxun', '交通违章查询', '查询机动车交通违法记录', ['chuxing'], ['jiaojing/tianhe']),
      service('jiaojing', 'jiashizheng-huanzheng', '驾驶证换证', '驾驶证到期换领', ['chuxing'], ['jiaojing/tianhe']),
      service('jiaojing', 'etc', 'ETC 办理', '高速公路电子收费卡', ['chuxing']),
      service('renshe', 'shebaoka-buban', '社保卡补办', '社会保障卡挂失补办', ['shebao'], ['renshe/shimin']),
      service('renshe', 'shebao-chaxun', '社保缴费查询', '查询社保缴费记录', ['shebao']),
    ],
    halls: [
      // ~0.4 km from the sample location message (23.134521, 113.358803)
      hall('jiaojing', 'tianhe', '天河车管所', 23.1372, 113.3561),
      // ~2.5 km away, closed on the fixture's Wednesday
      hall('renshe', 'shimin', '市民服务中心', 23.1201, 113.3392, { closedDates: ['2026-11-25'], phone: '020-87654321' }),
      // ~9 km away
      hall('jiaojing', 'baiyun', '白云车管所', 23.2011, 113.3102),
    ],
    diagnostics: [],
    ...overrides,
  };
  return build;
}

/** A build with `count` extra service keywords (plus the base ones) for the benchmark. */
export function makeLargeBuild(count: number): AccountBuild {
  const base = makeBuild();
  const extra: CompiledKeyword[] = [];
  for (let i = 0; i < count; i++) {
    const text = `事项${i.toString(36)}号${i % 7 === 0 ? '办理' : '查询'}`;
    extra.push(keyword(text, i % 2 ? 'jiaojing' : 'renshe', { kind: 'service', service: i % 2 ? 'jiaojing/etc' : 'renshe/shebao-chaxun' }, { match: i % 3 ? 'contains' : 'exact', priority: i % 5 }));
  }
  return { ...base, hash: `large-${count}`, keywords: [...base.keywords, ...extra] };
}
