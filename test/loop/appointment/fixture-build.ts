// A small build and app for the location and appointment tests, independent of the builder.
// The fixed clock is Monday 2026-03-02 10:00 in the city (02:00 UTC).
import express from 'express';
import type { AccountBuild, BuiltHall, BuiltService } from '../../../server/builder/types.js';
import { loadConfig } from '../../../server/config.js';
import { errorHandler } from '../../../server/http/error-handler.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../../server/http/identity.js';
import { createRenderer } from '../../../server/render.js';
import { createAppointmentRouter } from '../../../server/http/appointments/appointment-router.js';
import { createLocationRouter } from '../../../server/http/location/location-router.js';
import { createBookingPagesRouter } from '../../../server/http/appointments/booking-pages-router.js';
import { createHallsPageRouter } from '../../../server/http/location/halls-page-router.js';
import { createLiveBuild } from '../../../server/live-build.js';
import type { AppointmentDeps } from '../../../server/loop/appointment/notify-appointment.js';
import type { RouterDeps } from '../../../server/http/router-deps.js';
import type { WeeklyHours } from '../../../server/model/generated.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import type { Store } from '../../../server/store/types.js';
import type { WechatClient } from '../../../server/wechat/client-types.js';

export const NOW = new Date('2026-03-02T02:00:00Z');
export const SERVICE = 'shebao/shebaoka-buban';

const weekdays = (ranges: Array<{ open: string; close: string }>, days = ['mon', 'tue', 'wed', 'thu', 'fri']): WeeklyHours =>
  Object.fromEntries(days.map((d) => [d, ranges]));

function hall(id: string, name: string, extra: Partial<BuiltHall>): BuiltHall {
  return { ref: `shebao/${id}`, department: 'shebao', id, name, address: `${name}地址`, lat: 0, lng: 0, hours: {}, ...extra };
}

export const HALLS: BuiltHall[] = [
  hall('tianhe', '天河社保服务厅', {
    district: '天河区',
    lat: 23.1372,
    lng: 113.3561,
    phone: '020-12345678',
    hours: weekdays([{ open: '09:00', close: '12:00' }, { open: '13:30', close: '17:00' }]),
    closedDates: ['2026-03-05'],
  }),
  hall('haizhu', '海珠社保服务厅', {
    district: '海珠区',
    lat: 23.0833,
    lng: 113.3172,
    hours: weekdays([{ open: '09:00', close: '12:00' }], ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']),
  }),
  hall('baiyun', '白云社保服务厅', { district: '白云区', lat: 23.2011, lng: 113.3102, hours: weekdays([{ open: '08:30', close: '17:30' }]) }),
];

export const APPOINTMENT_SERVICE: BuiltService = {
  ref: SERVICE,
  department: 'shebao',
  id: 'shebaoka-buban',
  name: '社保卡补办',
  menuName: '社保卡补办',
  summary: '社会保障卡挂失后补办新卡',
  url: 'https://gov.example.cn/s/shebao/shebaoka-buban',
  topics: ['shebao'],
  halls: HALLS.map((h) => h.ref),
  online: { location: true, appointment: true, processing: false, payment: false, progress: false, rating: false },
  steps: {
    location: { halls: HALLS.map((h) => h.id) },
    appointment: {
      online: true,
      slotMinutes: 30,
      capacityPerSlot: 5,
      horizonDays: 7,
      minNoticeHours: 2,
      cancelNoticeHours: 24,
      fields: [
        { name: 'name', label: '姓名', type: 'text', required: true, min: 2, max: 20 },
        { name: 'idcard', label: '身份证号', type: 'idcard', required: true },
        { name: 'phone', label: '手机号', type: 'phone', required: true },
        { name: 'reason', label: '补办原因', type: 'select', required: true, options: [{ value: 'lost', label: '遗失' }, { value: 'broken', label: '损坏' }] },
      ],
      documents: ['身份证原件', '一寸白底照片'],
    },
  },
};

export function makeBuild(): AccountBuild {
  return {
    formatVersion: 1,
    hash: 'appointment-fixture',
    publicBaseUrl: 'https://gov.example.cn',
    account: {
      name: '示例市政务服务',
      type: 'service',
      welcome: '欢迎',
      defaultReply: '已收到',
      desk: { hours: weekdays([{ open: '09:00', close: '17:00' }]) },
      // 2026-03-04 (Wednesday) a holiday, 2026-03-07 (Saturday) a make-up workday.
      calendar: { holidays: ['2026-03-04'], workdays: ['2026-03-07'] },
      badReviewDeadlineDays: 5,
    },
    menu: { button: [] },
    menuKeys: {},
    keywords: [],
    topics: [],
    departments: [{ id: 'shebao', name: '市社保局' }],
    services: [
      APPOINTMENT_SERVICE,
      { ...APPOINTMENT_SERVICE, ref: 'shebao/chaxun', id: 'chaxun', name: '社保查询', steps: {}, halls: [] },
    ],
    halls: HALLS,
    diagnostics: [],
  };
}

export const VALID_FIELDS = { name: '张三', idcard: '11010519491231002X', phone: '13800138000', reason: 'lost' };

export { FakeWechatClient as FakeWechat } from '../../fakes/fake-wechat-client.js';

export interface TestContext {
  deps: RouterDeps<AppointmentDeps>;
  app: express.Express;
  clock: { now: Date };
  /** account: the session of a further account's follower (its signed link). */
  cookie(openid: string, account?: string): string;
}

export function makeContext(options: { store?: Store; wechat?: WechatClient; templateId?: string; build?: (build: AccountBuild) => void; accountOf?: AppointmentDeps['accountOf'] } = {}): TestContext {
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://gov.example.cn', SESSION_SECRET: 'test-secret' });
  const clock = { now: NOW };
  const build = makeBuild();
  options.build?.(build);
  // The template id comes from account.json (notifications.appointmentTemplateId), as in production.
  if (options.templateId) build.account.notifications = { appointmentTemplateId: options.templateId };
  const deps: RouterDeps<AppointmentDeps> = {
    config,
    store: options.store ?? createMemoryStore(),
    live: createLiveBuild(build),
    renderer: createRenderer(),
    now: () => clock.now,
    wechat: options.wechat,
    ...(options.accountOf ? { accountOf: options.accountOf } : {}),
  };
  const app = express();
  app.use('/api', createLocationRouter(deps));
  app.use('/api', createAppointmentRouter(deps));
  app.use(createHallsPageRouter(deps));
  app.use(createBookingPagesRouter(deps));
  app.use(errorHandler());
  return { deps, app, clock, cookie: (openid, account) => `${CITIZEN_COOKIE}=${signCitizenSession(openid, config.sessionSecret, new Date(), account)}` };
}
