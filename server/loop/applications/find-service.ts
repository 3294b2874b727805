// Looks a service up in the live build. Unknown services are 404, as are services whose
// processing step is not declared online: the citizen must go to a hall for those.
import type { AccountBuild, BuiltService } from '../../builder/types.js';
import { ConflictError, NotFoundError } from '../../errors.js';

export function findService(build: AccountBuild, ref: string): BuiltService {
  const service = build.services.find((s) => s.ref === ref);
  if (!service) throw new NotFoundError(`办事事项不存在：${ref}`, { service: ref });
  return service;
}

export function findOnlineService(build: AccountBuild, ref: string): BuiltService {
  const service = findService(build, ref);
  if (!service.steps.processing?.online) {
    throw new ConflictError(`“${service.name}”暂不支持在线申请，请到办事大厅办理`, { service: ref });
  }
  return service;
}

export function departmentName(build: AccountBuild, id: string): string {
  return build.departments.find((d) => d.id === id)?.name ?? id;
}
