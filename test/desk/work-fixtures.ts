// Records for the workbench tests: desk tickets, applications and rectification cases as the
// gateway and the loop store them, and a WechatClient that records (or refuses) what is sent.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WechatApiError } from '../../server/errors.js';
import { ticketsOf, type WorkTicket } from '../../server/desk/desk-tickets.js';
import { applicationsOf } from '../../server/loop/applications/application-access.js';
import type { Application } from '../../server/loop/applications/application-types.js';
import { newClock } from '../../server/loop/progress/clock.js';
import { casesOf, type RectificationCase } from '../../server/loop/rating/rectification-case.js';
import type { Store } from '../../server/store/types.js';
import { wechatErrorMessage } from '../../server/wechat/error-messages.js';

export { FakeWechatClient as RecordingWechatClient } from '../fakes/fake-wechat-client.js';

/** What the real client throws when the citizen's 48-hour window has passed. */
export const outOfWindow = () => new WechatApiError(wechatErrorMessage(45015, 'response out of time limit or subscription is canceled'), 45015, 'response out of time limit or subscription is canceled');

export async function seedTicket(store: Store, fields: Partial<WorkTicket> & { id: string }): Promise<WorkTicket> {
  return ticketsOf(store).insert({ openid: 'o-citizen-0001', text: '请问怎么办理？', msgType: 'text', createdAt: new Date().toISOString(), status: 'open', ...fields });
}

export const ATTACHMENT_ID = 'a'.repeat(32);
export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), Buffer.alloc(16)]);

/** A data dir holding one stored upload, as the loop's processing step leaves it. */
export function dataDirWithUpload(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onestop-work-'));
  mkdirSync(path.join(dir, 'uploads'));
  writeFileSync(path.join(dir, 'uploads', ATTACHMENT_ID), PNG);
  return dir;
}

/** 驾驶证期满换证 (jiaojing), paid before acceptance, with a photo; progress notices use tpl-progress. */
export function licenceApplication(no: string, fields: Partial<Application> = {}): Application {
  const at = '2026-11-02T01:00:00.000Z';
  return {
    id: no,
    no,
    service: 'jiaojing/jiashizheng-huanzheng',
    serviceName: '驾驶证期满换证',
    department: 'jiaojing',
    openid: 'o-citizen-0001',
    stage: 'submitted',
    data: { licenceClass: 'C1', phone: '13800138000' },
    attachments: [{ id: ATTACHMENT_ID, name: 'photo', label: '证件照', originalName: '我的<照片>.png', ext: 'png', mime: 'image/png', size: PNG.length }],
    payment: { state: 'paid', timing: 'before-acceptance', amountFen: 1000, item: '驾驶证工本费', paidAt: at },
    clock: newClock(3),
    submittedAt: at,
    updatedAt: at,
    timeline: [{ at, from: null, to: 'submitted', actor: { kind: 'citizen', name: 'o-citizen-0001' } }],
    ...fields,
  };
}

/** 交通罚款缴纳 (jiaojing): the fee is assessed by staff at acceptance. */
export function fineApplication(no: string): Application {
  return licenceApplication(no, {
    service: 'jiaojing/fakuan-jiaona',
    serviceName: '交通罚款缴纳',
    data: { noticeNo: 'JD-001' },
    attachments: [],
    payment: { state: 'awaiting-assessment', timing: 'after-acceptance', amountFen: null, item: '交通违法罚款' },
    clock: newClock(0),
  });
}

/** 社保卡补办 (shebao), paid. */
export function cardApplication(no: string): Application {
  return licenceApplication(no, {
    service: 'shebao/shebaoka-buban',
    serviceName: '社保卡补办',
    department: 'shebao',
    data: { copies: 1 },
    attachments: [],
    payment: { state: 'paid', timing: 'before-acceptance', amountFen: 2000 },
    clock: newClock(5),
  });
}

export async function seedApplication(store: Store, app: Application): Promise<Application> {
  return applicationsOf(store).insert(app);
}

export async function seedCase(store: Store, no: string, fields: Partial<RectificationCase> = {}): Promise<RectificationCase> {
  return casesOf(store).insert({
    id: `${no}-ZG`,
    applicationNo: no,
    service: 'jiaojing/jiashizheng-huanzheng',
    serviceName: '驾驶证期满换证',
    department: 'jiaojing',
    handlingDepartment: 'jiaojing',
    openid: 'o-citizen-0001',
    level: 'very-dissatisfied',
    comment: '窗口态度<差>',
    contact: ['13800138000'],
    openedAt: '2026-11-02T01:00:00.000Z',
    deadline: '2026-11-09',
    callbacks: [],
    ...fields,
  });
}
