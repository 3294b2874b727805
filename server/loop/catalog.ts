// Service and hall lookups in the live build, shared by every step of the loop. Unknown services
// and halls are 404; a service whose processing step is not online is a conflict: the citizen
// must go to a hall for it.
import type { AccountBuild, BuiltHall, BuiltService } from '../builder/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

export function serviceOf(build: AccountBuild, ref: string): BuiltService {
  const service = build.services.find((s) => s.ref === ref);
  if (!service) throw new NotFoundError(`办事事项不存在：${ref}`, { service: ref });
  return service;
}

/** A service citizens may apply for online (its processing step is declared online). */
export function findOnlineService(build: AccountBuild, ref: string): BuiltService {
  const service = serviceOf(build, ref);
  if (!service.steps.processing?.online) {
    throw new ConflictError(`“${service.name}”暂不支持在线申请，请到办事大厅办理`, { service: ref });
  }
  return service;
}

/** The halls serving a service, in the order the department declared them. */
export function hallsOf(build: AccountBuild, service: BuiltService): BuiltHall[] {
  return service.halls.map((ref) => build.halls.find((h) => h.ref === ref)).filter((h): h is BuiltHall => !!h);
}

/** Accepts a hall ref (jiaojing/chengdong) or a bare hall id of the service's department. */
export function hallOf(build: AccountBuild, service: BuiltService, hall: unknown): BuiltHall {
  if (typeof hall !== 'string' || hall.trim() === '') throw new ValidationError('请选择办理大厅', { field: 'hall' });
  const ref = hall.includes('/') ? hall : `${service.department}/${hall}`;
  const found = hallsOf(build, service).find((h) => h.ref === ref);
  if (!found) throw new NotFoundError(`“${service.name}”不在该大厅办理：${hall}`, { field: 'hall', hall });
  return found;
}

export function departmentName(build: AccountBuild, id: string): string {
  return build.departments.find((d) => d.id === id)?.name ?? id;
}
