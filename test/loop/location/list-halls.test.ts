import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { haversineMetres } from '../../../server/loop/location/haversine.js';
import { listHalls, parsePosition } from '../../../server/loop/location/list-halls.js';
import { projectRoot } from '../../../server/config.js';
import { ValidationError } from '../../../server/errors.js';
import { HALLS, makeBuild, makeContext, NOW, SERVICE } from '../appointment/fixture-build.js';

describe('haversineMetres', () => {
  it('measures one degree of latitude as about 111.2 km', () => {
    assert.equal(Math.round(haversineMetres({ lat: 23, lng: 113 }, { lat: 24, lng: 113 }) / 100), 1112);
  });
  it('measures Beijing to Shanghai as about 1067 km', () => {
    const d = haversineMetres({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 });
    assert.ok(Math.abs(d - 1_067_000) < 3000, String(d));
  });
});

describe('listHalls', () => {
  it('sorts by distance from the citizen when a position is given', () => {
    const halls = listHalls(makeBuild(), SERVICE, NOW, { lat: 23.08, lng: 113.32 });
    assert.deepEqual(halls.map((h) => h.id), ['haizhu', 'tianhe', 'baiyun']);
    assert.ok(halls[0]!.distance! < halls[1]!.distance!);
    assert.match(halls[0]!.distanceText!, /^\d+ 米$/);
    assert.match(halls[2]!.distanceText!, /^\d+\.\d 公里$/);
  });

  it('sorts by district then name without a position', () => {
    const halls = listHalls(makeBuild(), SERVICE, NOW);
    // zh-CN collation orders by pinyin: 白云 (bai) < 海珠 (hai) < 天河 (tian)
    assert.deepEqual(halls.map((h) => h.district), ['白云区', '海珠区', '天河区']);
    assert.equal(halls[0]!.distance, undefined);
  });

  it('reports today’s hours and whether each hall is open now', () => {
    const [baiyun, haizhu, tianhe] = listHalls(makeBuild(), SERVICE, NOW);
    assert.equal(tianhe!.hoursToday, '09:00-12:00，13:30-17:00');
    assert.equal(tianhe!.openNow, true);
    assert.equal(haizhu!.openNow, true);
    assert.equal(baiyun!.phone, undefined);
    const lunch = new Date('2026-03-02T04:30:00Z'); // 12:30 in the city
    assert.deepEqual(listHalls(makeBuild(), SERVICE, lunch).map((h) => h.openNow), [true, false, false]);
  });

  it('shows a hall closed on its closed date and on a city holiday', () => {
    const closedDate = new Date('2026-03-05T02:00:00Z');
    const tianhe = listHalls(makeBuild(), SERVICE, closedDate).find((h) => h.id === 'tianhe')!;
    assert.deepEqual([tianhe.openNow, tianhe.hoursToday], [false, '今日休息']);
    const holiday = new Date('2026-03-04T02:00:00Z');
    assert.ok(listHalls(makeBuild(), SERVICE, holiday).every((h) => !h.openNow && h.hoursToday === '今日休息（节假日）'));
  });

  it('shows a hall closed at short notice (闭厅) as 临时闭厅 with the reason and when it opens again', () => {
    const monday10 = new Date('2026-03-02T02:00:00Z'); // Monday 10:00 in the city
    const whole = [{ hall: 'shebao/tianhe', date: '2026-03-02', reason: '水管爆裂' }];
    const tianhe = listHalls(makeBuild(), SERVICE, monday10, undefined, whole).find((h) => h.id === 'tianhe')!;
    assert.deepEqual([tianhe.openNow, tianhe.status, tianhe.hoursToday, tianhe.outageText, tianhe.nextOpeningText], [false, '临时闭厅', '今日临时闭厅', '临时闭厅（全天）：水管爆裂', '明天 09:00']);
    const morning = [{ hall: 'shebao/tianhe', date: '2026-03-02', from: '09:00', to: '11:00', reason: '系统升级' }];
    const during = listHalls(makeBuild(), SERVICE, monday10, undefined, morning).find((h) => h.id === 'tianhe')!;
    assert.deepEqual([during.openNow, during.status, during.outageText, during.nextOpeningText], [false, '临时闭厅', '临时闭厅（09:00—11:00）：系统升级', '今天 11:00']);
    const after = listHalls(makeBuild(), SERVICE, new Date('2026-03-02T03:30:00Z'), undefined, morning).find((h) => h.id === 'tianhe')!;
    assert.deepEqual([after.openNow, after.status, after.outageText], [true, '办公中', undefined]);
    // Another hall's closure, or one on another day, changes nothing.
    const elsewhere = [{ hall: 'shebao/haizhu', date: '2026-03-02', reason: 'x' }, { hall: 'shebao/tianhe', date: '2026-03-03', reason: 'y' }];
    assert.equal(listHalls(makeBuild(), SERVICE, monday10, undefined, elsewhere).find((h) => h.id === 'tianhe')!.openNow, true);
  });

  it('tells a closed day from before hours, lunch and after hours, with the next opening', () => {
    const at = (iso: string) => listHalls(makeBuild(), SERVICE, new Date(iso)).map((h) => [h.id, h.status, h.nextOpeningText ?? '']);
    // 2026-03-02 is a Monday; the city is UTC+8.
    assert.deepEqual(at('2026-03-02T00:00:00Z'), [['baiyun', '未到办公时间', '今天 08:30'], ['haizhu', '未到办公时间', '今天 09:00'], ['tianhe', '未到办公时间', '今天 09:00']]);
    assert.deepEqual(at('2026-03-02T04:30:00Z'), [['baiyun', '办公中', ''], ['haizhu', '已下班', '明天 09:00'], ['tianhe', '午间休息', '今天 13:30']]);
    assert.deepEqual(at('2026-03-02T10:00:00Z'), [['baiyun', '已下班', '明天 08:30'], ['haizhu', '已下班', '明天 09:00'], ['tianhe', '已下班', '明天 09:00']]);
    // Saturday: only 海珠 works; the others open again on Monday.
    assert.deepEqual(at('2026-03-07T02:00:00Z'), [['baiyun', '今日休息', '周一 08:30'], ['haizhu', '办公中', ''], ['tianhe', '今日休息', '周一 09:00']]);
    // Holiday on Wednesday; 天河 is also closed on Thursday.
    assert.deepEqual(at('2026-03-04T02:00:00Z'), [['baiyun', '今日休息', '明天 08:30'], ['haizhu', '今日休息', '明天 09:00'], ['tianhe', '今日休息', '周五 09:00']]);
  });

  it('shows the status and the next opening on the halls page', async () => {
    const { app, clock } = makeContext();
    clock.now = new Date('2026-03-07T02:00:00Z');
    const res = await request(app).get(`/s/${SERVICE}/halls`).expect(200);
    assert.match(res.text, /今日休息<\/span>/);
    assert.match(res.text, /下次办公：周一 09:00/);
    assert.doesNotMatch(res.text, /已下班/);
  });

  it('links each hall to an Amap marker with lng,lat', () => {
    const url = new URL(listHalls(makeBuild(), SERVICE, NOW).find((h) => h.id === 'tianhe')!.mapUrl);
    assert.equal(url.origin + url.pathname, 'https://uri.amap.com/marker');
    assert.equal(url.searchParams.get('position'), `${HALLS[0]!.lng},${HALLS[0]!.lat}`);
    assert.equal(url.searchParams.get('name'), '天河社保服务厅');
  });
});

describe('parsePosition', () => {
  const bad: Array<[unknown, unknown]> = [['23.1', undefined], ['abc', '113'], ['91', '113'], ['23', '181'], [['1', '2'], '113']];
  for (const [lat, lng] of bad) {
    it(`refuses lat=${JSON.stringify(lat)} lng=${JSON.stringify(lng)}`, () => assert.throws(() => parsePosition(lat, lng), ValidationError));
  }
  it('treats two absent values as no position', () => assert.equal(parsePosition(undefined, ''), undefined));
});

describe('location router', () => {
  it('answers the halls as JSON sorted by distance', async () => {
    const { app } = makeContext();
    const res = await request(app).get(`/api/services/${SERVICE}/halls?lat=23.2&lng=113.31`).expect(200);
    assert.equal(res.body.sortedBy, 'distance');
    assert.deepEqual(res.body.halls.map((h: { id: string }) => h.id), ['baiyun', 'tianhe', 'haizhu']);
  });

  it('answers 400 in Chinese for a malformed position', async () => {
    const { app } = makeContext();
    const res = await request(app).get(`/api/services/${SERVICE}/halls?lat=north&lng=113`).expect(400);
    assert.equal(res.body.code, 'VALIDATION');
    assert.match(res.body.message, /位置参数不正确/);
  });

  it('answers 404 for an unknown service', async () => {
    const { app } = makeContext();
    const res = await request(app).get('/api/services/shebao/nope/halls').expect(404);
    assert.match(res.body.message, /办事事项不存在/);
  });

  it('renders the halls page with escaped names and the geolocation button', async () => {
    const { app, deps } = makeContext();
    const build = makeBuild();
    build.halls[0] = { ...build.halls[0]!, name: '<script>alert(1)</script>厅' };
    deps.live.swap(build);
    const res = await request(app).get(`/s/${SERVICE}/halls`).expect(200);
    assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;厅/);
    assert.doesNotMatch(res.text, /<script>alert/);
    // The button's script is a static file (CSP: no inline scripts); it asks for the position.
    assert.match(res.text, /id="locate"/);
    assert.match(res.text, /<script src="\/assets\/h5\/halls\.js"><\/script>/);
    assert.match(readFileSync(path.join(projectRoot, 'templates/h5/assets/halls.js'), 'utf8'), /navigator\.geolocation\.getCurrentPosition/);
    assert.match(res.text, /href="\/s\/shebao\/shebaoka-buban\/book"/);
  });
});
