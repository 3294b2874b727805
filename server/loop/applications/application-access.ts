// Each role sees only what it owns: the citizen their own applications, staff their department's.
// Anything else answers exactly like a missing number, so numbers cannot be probed.
import { NotFoundError } from '../../errors.js';
import type { Collection, Store } from '../../store/index.js';
import type { StaffActor } from '../actor.js';
import { APPLICATION_INDEXES, APPLICATIONS, type Application } from './application-types.js';

export type Viewer = { kind: 'citizen'; openid: string } | ({ kind: 'staff' } & StaffActor);

export const applicationsOf = (store: Store): Collection<Application> =>
  store.collection<Application>(APPLICATIONS, APPLICATION_INDEXES);

export function canSee(app: Application, viewer: Viewer): boolean {
  return viewer.kind === 'citizen' ? app.openid === viewer.openid : app.department === viewer.department;
}

export async function loadApplication(store: Store, no: string, viewer: Viewer): Promise<Application> {
  const app = await applicationsOf(store).get(no);
  if (!app || !canSee(app, viewer)) throw new NotFoundError(`办件不存在：${no}`, { no });
  return app;
}
