// The booking page in headless Chromium opens its date picker on the first day a citizen can
// actually book: not today when today's last slot has passed, not a fully booked day.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { createServicePagesRouter } from '../../server/http/pages/service-pages-router.js';
import { appointmentsOf, slotKeyOf } from '../../server/loop/appointment/appointment-types.js';
import { slotTimes } from '../../server/loop/appointment/slots.js';
import { launchChromium } from '../browser/launch-chromium.js';
import { APPOINTMENT_SERVICE, HALLS, makeBuild, makeContext, SERVICE, VALID_FIELDS, type TestContext } from '../loop/appointment/fixture-build.js';

describe('booking page date default in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Server | undefined;
  let t: TestContext;
  let base: string;

  before(async () => {
    browser = await launchChromium();
    t = makeContext();
    // Monday 16:00 in the city: with two hours' notice, today has no slot left.
    t.clock.now = new Date('2026-03-02T08:00:00Z');
    const hall = HALLS[0]!;
    // Tuesday is fully booked at the first hall; Wednesday is a holiday, Thursday the hall is closed.
    const { times } = slotTimes(makeBuild(), hall, APPOINTMENT_SERVICE.steps.appointment!, '2026-03-03', t.clock.now);
    let n = 0;
    for (const slot of times) {
      for (let seat = 0; seat < APPOINTMENT_SERVICE.steps.appointment!.capacityPerSlot; seat++) {
        n++;
        await appointmentsOf(t.deps.store).insert({
          id: `seed-${n}`, number: `SB-20260303-${String(n).padStart(4, '0')}`, openid: `o-seed-${n}`, service: SERVICE, serviceName: '社保卡补办', department: 'shebao',
          hall: hall.ref, hallName: hall.name, hallAddress: hall.address, date: '2026-03-03', start: slot.start, end: slot.end,
          slotKey: slotKeyOf(SERVICE, hall.ref, slot.start), fields: VALID_FIELDS, documents: [], cancelNoticeHours: 24, status: 'booked',
          createdAt: t.clock.now.toISOString(), updatedAt: t.clock.now.toISOString(), history: [],
        });
      }
    }
    // The page script is served by the service pages router, as in the composed app.
    const app = express();
    app.use(createServicePagesRouter(t.deps));
    app.use(t.app);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server!.close(r));
  });

  it('selects the first date with a free slot and shows its slots', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const [name, value] = t.cookie('o-booker').split('=');
    await context.addCookies([{ name: name!, value: value!, url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/s/${SERVICE}/book`);
    await page.waitForSelector('#slots button.slot');
    assert.equal(await page.inputValue('#date'), '2026-03-06');
    assert.match(await page.locator('#date option[value="2026-03-03"]').innerText(), /无空余时段/);
    assert.ok((await page.locator('#slots button.slot:not([disabled])').count()) > 0);
    await context.close();
  });
});
