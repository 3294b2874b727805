import assert from 'node:assert/strict';
import { ConflictError, UnauthorizedError } from '../../../server/errors.js';
import { createLocalPaymentProvider, LOCAL_PAY_HEADERS } from '../../../server/loop/payment/local-payment-provider.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';

const order = { orderNo: 'SQ20250303000001', description: '不动产登记费', amountFen: 8000, openid: 'oCitizen' };

describe('createLocalPaymentProvider', () => {
  let now: number;
  const make = (secret = 'pay-secret', store = createMemoryStore()) =>
    createLocalPaymentProvider({ publicBaseUrl: 'http://localhost:3000/', secret, store, clock: () => now });
  beforeEach(() => (now = Date.UTC(2025, 2, 3, 2, 0, 0)));

  it('returns the cashier URL for an order and again for the same order', async () => {
    const provider = make();
    const first = await provider.createOrder(order);
    assert.deepEqual(first, { kind: 'local', cashierUrl: 'http://localhost:3000/pay/local/SQ20250303000001' });
    assert.deepEqual(await provider.createOrder(order), first);
  });

  it('refuses another amount under a used order number', async () => {
    const provider = make();
    await provider.createOrder(order);
    await assert.rejects(provider.createOrder({ ...order, amountFen: 1 }), ConflictError);
  });

  it('signs a notification that parseNotification accepts, with one transaction id however often paid', async () => {
    const provider = make();
    await provider.createOrder(order);
    const first = await provider.pay(order.orderNo);
    const n = await provider.parseNotification(first.headers, first.rawBody);
    assert.equal(n.orderNo, order.orderNo);
    assert.equal(n.amountFen, 8000);
    assert.equal(n.tradeState, 'SUCCESS');
    assert.equal(n.openid, 'oCitizen');
    assert.match(n.transactionId, /^LOCAL[0-9A-F]{32}$/);
    const second = await provider.pay(order.orderNo);
    const again = await provider.parseNotification(second.headers, second.rawBody);
    assert.equal(again.transactionId, n.transactionId);
  });

  it('refuses a notification signed with another secret', async () => {
    const store = createMemoryStore();
    const forger = make('guessed', store);
    await forger.createOrder(order);
    const forged = await forger.pay(order.orderNo);
    await assert.rejects(make('pay-secret', store).parseNotification(forged.headers, forged.rawBody), (err) =>
      err instanceof UnauthorizedError && (err.details as { reason: string }).reason === 'bad-signature');
  });

  it('refuses a notification whose amount was changed after signing', async () => {
    const provider = make();
    await provider.createOrder(order);
    const { headers, rawBody } = await provider.pay(order.orderNo);
    const tampered = Buffer.from(rawBody.toString('utf8').replace('"amountFen":8000', '"amountFen":1'));
    await assert.rejects(provider.parseNotification(headers, tampered), UnauthorizedError);
  });

  it('refuses a notification replayed after 5 minutes', async () => {
    const provider = make();
    await provider.createOrder(order);
    const { headers, rawBody } = await provider.pay(order.orderNo);
    now += 5 * 60_000 + 1000;
    await assert.rejects(provider.parseNotification(headers, rawBody), /5 分钟/);
  });

  it('refuses a notification without signature headers', async () => {
    const provider = make();
    await provider.createOrder(order);
    const { headers, rawBody } = await provider.pay(order.orderNo);
    const { [LOCAL_PAY_HEADERS.signature]: _dropped, ...unsigned } = headers;
    await assert.rejects(provider.parseNotification(unsigned, rawBody), /缺少/);
  });
});
