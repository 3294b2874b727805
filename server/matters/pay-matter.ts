// 一次缴费: the citizen pays every part's fee in one order (WeChat Pay or the local cashier),
// through the loop's group payment, which credits each part once.
import { startGroupPayment, type ApplicationDeps } from '../loop/index.js';
import { loadSettledMatter } from './matter-view.js';

export async function payMatter(deps: ApplicationDeps, no: string, openid: string) {
  const { record } = await loadSettledMatter(deps, no, { kind: 'citizen', openid });
  return startGroupPayment(deps, { key: record.no, nos: record.parts.map((p) => p.no), openid, description: record.name });
}

/** Where the cashier sends the citizen back after paying an order: the matter's page for a matter's order. */
export function matterReturnUrl(applicationNo: string | undefined): string | undefined {
  return applicationNo && /^YJS-/.test(applicationNo) ? `/me/matters/${encodeURIComponent(applicationNo)}` : undefined;
}
