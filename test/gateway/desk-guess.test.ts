// Which department's desk an unmatched message lands in, in the sample city: the keyword that best
// matches the message decides, not whichever keyword happens to come first in the files.
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { projectRoot } from '../../server/config.js';
import { DESK_TICKETS, type DeskTicket } from '../../server/desk/desk-handoff.js';
import { createKeywordMatcher } from '../../server/gateway/keyword-matcher.js';
import { createHarness, textXml } from './harness.js';
import { keyword } from './build-fixture.js';

describe('desk department guess', () => {
  let build: AccountBuild;
  before(async function () {
    this.timeout(30_000);
    build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
  });

  const cases: Array<[string, string]> = [
    ['社保分局几点下班', 'renshe'],
    ['社保卡怎么补办', 'renshe'],
    ['个税怎么退', 'shuiwu'],
    ['我想问下公积金怎么取', 'gongjijin'],
  ];
  for (const [text, department] of cases) {
    it(`files “${text}” with ${department}`, async () => {
      const h = createHarness({ build });
      await h.post(textXml(text, 'o-guess')).expect(200);
      const [ticket] = await h.store.collection<DeskTicket>(DESK_TICKETS).list();
      assert.equal(ticket?.department, department);
    });
  }

  it('does not depend on the order of the keywords', () => {
    const svc = (service: string) => ({ kind: 'service' as const, service });
    const rules = [keyword('交社保费', 'shuiwu', svc('shuiwu/a')), keyword('社保卡补办', 'renshe', svc('renshe/b'))];
    for (const order of [rules, [...rules].reverse()]) {
      const m = createKeywordMatcher(order);
      assert.equal(m.guessOwner('社保卡怎么补办'), 'renshe');
      assert.equal(m.guessOwner('社保费交了吗'), 'shuiwu');
    }
  });
});
