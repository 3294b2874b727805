// Known events for the stats tests, with the figures they must give worked out by hand in the
// tests. City time is UTC+8: 2026-11-02T01:30Z is 09:30 on Monday 2 November.
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { AccountBuild } from '../../server/builder/index.js';
import type { Store, Doc } from '../../server/store/types.js';
import { cardApplication, licenceApplication, fineApplication, seedApplication, seedCase, seedTicket } from '../desk/work-fixtures.js';
import { cityDir } from '../console/harness.js';

export const NOW = new Date('2026-11-06T04:00:00.000Z');

export const MESSAGES = [
  { at: '2026-11-02T01:30:00.000Z', type: 'text', answeredBy: 'keyword', department: 'jiaojing', latencyMs: 3, openid: 'h1' },
  { at: '2026-11-02T02:10:00.000Z', type: 'event', event: 'CLICK', answeredBy: 'menu', department: 'jiaojing', latencyMs: 2, openid: 'h1' },
  { at: '2026-11-02T02:20:00.000Z', type: 'text', answeredBy: 'query', department: 'jiaojing', latencyMs: 9, openid: 'h2' },
  { at: '2026-11-02T03:00:00.000Z', type: 'event', event: 'subscribe', answeredBy: 'welcome', latencyMs: 1, openid: 'h3' },
  { at: '2026-11-02T03:05:00.000Z', type: 'image', answeredBy: 'none', latencyMs: 1, openid: 'h3' },
  { at: '2026-11-02T03:10:00.000Z', type: 'text', answeredBy: 'keyword', department: 'shebao', latencyMs: 2, openid: 'h4' },
  // 00:30 on Tuesday in the city, though still Monday in UTC.
  { at: '2026-11-02T16:30:00.000Z', type: 'text', answeredBy: 'human', department: 'jiaojing', latencyMs: 5, openid: 'h2' },
  { at: '2026-11-03T05:00:00.000Z', type: 'location', answeredBy: 'location', department: 'shebao', latencyMs: 4, openid: 'h5' },
  // Outside the range 2–3 November.
  { at: '2026-11-04T02:00:00.000Z', type: 'text', answeredBy: 'keyword', department: 'jiaojing', latencyMs: 2, openid: 'h1' },
];

export async function fixtureBuild(): Promise<AccountBuild> {
  return buildAccount(await loadCityFromDir(cityDir), { publicBaseUrl: 'http://localhost:3000' });
}

export async function seedMessages(store: Store, records = MESSAGES): Promise<void> {
  const log = store.log<Record<string, unknown>>('messages');
  for (const r of records) log.append(r);
  await log.flush();
}

export async function seedEvents(store: Store): Promise<void> {
  await seedMessages(store);
  // Monday 09:00 city: promised by 17:00 the same day.
  await seedTicket(store, { id: 'dt-1', department: 'jiaojing', createdAt: '2026-11-02T01:00:00.000Z' });
  await seedTicket(store, { id: 'dt-2', department: 'jiaojing', createdAt: '2026-11-02T01:30:00.000Z', status: 'answered', answeredAt: '2026-11-02T02:00:00.000Z' } as never);
  await seedTicket(store, { id: 'dt-3', department: 'shebao', createdAt: '2026-11-03T01:00:00.000Z' });
  await seedTicket(store, { id: 'dt-sim', department: 'jiaojing', createdAt: '2026-11-02T01:00:00.000Z', simulated: true });

  const rated = { level: 'very-satisfied' as const, at: '2026-11-03T02:00:00.000Z' };
  await seedApplication(store, licenceApplication('JJ-1', { stage: 'completed', rating: rated }));
  await seedApplication(store, licenceApplication('JJ-2'));
  await seedApplication(store, licenceApplication('JJ-3', { payment: { state: 'unpaid', timing: 'before-acceptance', amountFen: 1000 } }));
  await seedApplication(store, licenceApplication('JJ-4', { stage: 'completed', submittedAt: '2026-10-01T01:00:00.000Z' }));
  await seedApplication(store, { ...fineApplication('JJ-5'), submittedAt: '2026-11-03T01:00:00.000Z' });
  await seedApplication(store, { ...cardApplication('SB-1'), stage: 'completed', rating: { level: 'dissatisfied', at: '2026-11-03T03:00:00.000Z' } });

  const appointments = store.collection<Doc & Record<string, unknown>>('appointments');
  await appointments.insert({ id: 'yy-1', service: 'jiaojing/jiashizheng-huanzheng', serviceName: '驾驶证期满换证', department: 'jiaojing', date: '2026-11-03', status: 'booked', openid: 'o-x' });
  await appointments.insert({ id: 'yy-2', service: 'jiaojing/jiashizheng-huanzheng', serviceName: '驾驶证期满换证', department: 'jiaojing', date: '2026-12-03', status: 'booked', openid: 'o-x' });

  const note = (at: string) => ({ at, actor: { kind: 'staff' as const, name: 'jj-staff' }, note: '已整改' });
  await seedCase(store, 'JJ-C1', { openedAt: '2026-11-02T01:00:00.000Z', deadline: '2026-11-09', resolution: { ...note('2026-11-05T01:00:00.000Z'), kind: 'fixed' } });
  await seedCase(store, 'JJ-C2', { openedAt: '2026-11-03T01:00:00.000Z', deadline: '2026-11-04' });
  await seedCase(store, 'JJ-C3', { openedAt: '2026-11-03T01:00:00.000Z', deadline: '2026-11-20', appeal: { ...note('2026-11-04T01:00:00.000Z'), status: 'pending' } });
}
