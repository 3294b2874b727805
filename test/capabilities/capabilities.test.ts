import assert from 'node:assert/strict';
import { broadcastQuota, can, capabilityMatrix, CapabilityMissingError, requireCapability, type Capability } from '../../server/capabilities/index.js';

describe('the account-type capability matrix', () => {
  // [capability, verified service, verified subscription, unverified service, unverified subscription]
  const table: Array<[Capability, boolean, boolean, boolean, boolean]> = [
    ['web-oauth', true, false, false, false],
    ['template-message', true, false, false, false],
    ['subscription-notice', true, false, false, false],
    ['wechat-pay', true, false, false, false],
    ['mass-send-by-openid', true, false, false, false],
    ['custom-menu', true, true, true, false],
    ['customer-service-message', true, true, false, false],
    ['broadcast', true, true, false, false],
  ];
  for (const [capability, service, subscription, unverifiedService, unverifiedSubscription] of table) {
    it(`answers ${capability} per type and verification`, () => {
      assert.equal(can('service', capability), service);
      assert.equal(can('subscription', capability), subscription);
      assert.equal(can({ type: 'service', verified: false }, capability), unverifiedService);
      assert.equal(can({ type: 'subscription', verified: false }, capability), unverifiedSubscription);
    });
  }

  it('has exactly the rows the table above checks', () => {
    assert.deepEqual(
      capabilityMatrix().map((r) => r.capability),
      table.map((r) => r[0]),
    );
  });

  it('gives a subscription account one broadcast a day and a service account four a month per follower', () => {
    assert.deepEqual(broadcastQuota('subscription'), { per: 'day', limit: 1, counted: 'account' });
    assert.deepEqual(broadcastQuota({ type: 'service' }), { per: 'month', limit: 4, counted: 'follower' });
  });

  it('raises CAPABILITY_MISSING naming the account, its type, the capability and the alternative', () => {
    assert.throws(
      () => requireCapability({ type: 'subscription', id: 'chuxing', name: '江城出行' }, 'web-oauth'),
      (err: unknown) =>
        err instanceof CapabilityMissingError &&
        err.code === 'CAPABILITY_MISSING' &&
        /公众号“江城出行”是订阅号，没有“网页授权/.test(err.message) &&
        /一次性签名链接/.test(err.message),
    );
    assert.doesNotThrow(() => requireCapability({ type: 'service' }, 'template-message'));
  });
});
