// What paying for an application needs from the composition root: the shared LoopDeps plus the
// configured payment provider.
import type { LoopDeps } from '../deps.js';
import type { CreatedOrder, PaymentNotification, PaymentProvider } from './payment-provider.js';

export type { CreatedOrder, LoopDeps, PaymentNotification, PaymentProvider };

export type ApplicationDeps = LoopDeps & { pay: PaymentProvider };

export { clockOf } from '../deps.js';
