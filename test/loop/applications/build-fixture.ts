// A small account build for the application-loop tests: two departments, services covering
// each fee rule and timing, a city calendar with a National Day holiday and a make-up workday.
import type { AccountBuild, BuiltService, Steps } from '../../../server/builder/types.js';

const ALL_STAGES = ['submitted', 'accepted', 'not-accepted', 'supplement', 'suspended', 'in-progress', 'completed', 'denied'] as const;

export function service(ref: string, name: string, steps: Steps): BuiltService {
  const [department, id] = ref.split('/') as [string, string];
  return {
    ref,
    department,
    id,
    name,
    menuName: name,
    summary: `${name}的说明`,
    url: `http://localhost:3000/s/${ref}`,
    topics: ['chuxing'],
    steps,
    halls: [],
    online: { location: false, appointment: false, processing: !!steps.processing?.online, payment: !!steps.payment?.online, progress: !!steps.progress?.online, rating: !!steps.rating?.online },
  };
}

/** 驾驶证换证: fixed 10 元 before acceptance, two attachments, 5 working days. */
export const licence = service('jiaojing/huanzheng', '驾驶证换证', {
  processing: {
    online: true,
    timeLimitDays: 5,
    fields: [
      { name: 'name', label: '姓名', type: 'text', required: true, max: 20 },
      { name: 'phone', label: '联系电话', type: 'phone', required: true },
      { name: 'kind', label: '准驾车型', type: 'select', required: true, options: [{ value: 'C1', label: 'C1 小型汽车' }, { value: 'A1', label: 'A1 大型客车' }] },
    ],
    attachments: [
      { name: 'photo', label: '本人照片', required: true, types: ['jpg', 'png'], maxSizeKb: 2 },
      { name: 'medical', label: '体检证明', required: true, types: ['pdf'], maxSizeKb: 4 },
    ],
  },
  payment: { online: true, timing: 'before-acceptance', item: '驾驶证工本费', fee: { mode: 'fixed', amountFen: 1000 } },
  progress: { online: true, stages: [...ALL_STAGES], notifyTemplateId: 'TPL-PROGRESS' },
  rating: { online: true },
});

/** 违章罚款: assessed by staff at acceptance (≤ 200 元), paid after; bad reviews go to the 督查 office. */
export const fine = service('jiaojing/fakuan', '交通违法罚款缴纳', {
  processing: { online: true, timeLimitDays: 3, fields: [{ name: 'plate', label: '车牌号', type: 'text', required: true }] },
  payment: { online: true, timing: 'after-acceptance', fee: { mode: 'assessed', maxFen: 20000 } },
  progress: { online: true, stages: ['submitted', 'accepted', 'in-progress', 'completed'] },
  rating: { online: true, badReviewDepartment: 'ducha' },
});

/** 社保卡补办: fee by the chosen card type, after acceptance. */
export const card = service('shebao/bukaban', '社保卡补办', {
  processing: { online: true, timeLimitDays: 10, fields: [{ name: 'cardType', label: '卡片类型', type: 'select', required: true, options: [{ value: 'normal', label: '普通卡' }, { value: 'finance', label: '金融卡' }] }] },
  payment: { online: true, timing: 'after-acceptance', fee: { mode: 'byOption', field: 'cardType', amounts: [{ value: 'normal', amountFen: 0 }, { value: 'finance', amountFen: 2000 }] } },
  progress: { online: true, stages: ['submitted', 'accepted', 'completed', 'not-accepted'] },
  rating: { online: true },
});

/** 证明复印: per page, capped. */
export const copies = service('shebao/fuyin', '参保证明打印', {
  processing: { online: true, timeLimitDays: 0, fields: [{ name: 'pages', label: '份数', type: 'number', required: true, min: 1, max: 50 }] },
  payment: { online: true, timing: 'before-acceptance', fee: { mode: 'perUnit', field: 'pages', unitFen: 50, maxFen: 1000 } },
  progress: { online: true, stages: ['submitted', 'accepted', 'completed'] },
});

/** Only at the hall. */
export const offline = service('shebao/tuixiu', '退休审批', { processing: { online: false, timeLimitDays: 20 } });

export function buildFixture(overrides: Partial<AccountBuild['account']> = {}): AccountBuild {
  return {
    formatVersion: 1,
    hash: 'test',
    publicBaseUrl: 'http://localhost:3000',
    account: {
      name: '掌上政务',
      type: 'service',
      welcome: '欢迎',
      defaultReply: '稍后答复',
      desk: { hours: { mon: [{ open: '09:00', close: '17:00' }] } },
      calendar: { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] },
      badReviewDeadlineDays: 5,
      ...overrides,
    },
    menu: { button: [] },
    menuKeys: {},
    keywords: [],
    topics: [
      { id: 'chuxing', name: '出行服务', menuName: '出行', lead: 'jiaojing', cooperating: [], services: [licence.ref, fine.ref], order: 1 },
      { id: 'shebao', name: '社保就业', menuName: '社保', lead: 'shebao', cooperating: [], services: [card.ref, copies.ref, offline.ref], order: 2 },
    ],
    departments: [
      { id: 'jiaojing', name: '市公安局交警支队' },
      { id: 'shebao', name: '市人社局' },
      { id: 'ducha', name: '市政务服务督查室' },
    ],
    services: [licence, fine, card, copies, offline],
    halls: [],
    diagnostics: [],
  };
}
