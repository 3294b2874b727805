// 绑定信息 on the staff workbench (/console/work/bindings): how many citizens bound each kind of the
// user's departments, and who holds one key (a plate, a licence) — always masked: staff see the
// masked label and the end of the openid, never a full value. Every lookup is in the audit log.
import { Router, type Request, type Response } from 'express';
import { audit } from '../../audit/index.js';
import { bindingKeyOf, countBindings, findBindingHolders, listBindings, type BindingsDeps } from '../../bindings/index.js';
import type { SessionUser } from '../../console/index.js';
import { AppError } from '../../errors.js';
import type { PageRenderer } from './page.js';

export interface BindingRouteDeps {
  bindings: BindingsDeps;
  page: PageRenderer;
  now: () => Date;
}

const user = (res: Response) => res.locals.user as SessionUser;
const inScope = (res: Response, department: string) => user(res).role === 'platform' || user(res).departments.includes(department);
const maskOpenid = (openid: string) => (openid.length > 6 ? `…${openid.slice(-6)}` : '…');

export function createBindingRoutes(deps: BindingRouteDeps): Router {
  const router = Router();
  router.get('/', async (req: Request, res: Response) => {
    const build = deps.bindings.live.current();
    const departmentName = (id: string) => build.departments.find((d) => d.id === id)?.name ?? id;
    const kinds = (build.bindings ?? []).filter((k) => inScope(res, k.department));
    const rows = await Promise.all(
      kinds.map(async (k) => ({
        ref: k.ref,
        name: k.name,
        departmentName: departmentName(k.department),
        verify: k.verify.connector ? '经部门系统核验' : '按本人填写登记',
        count: await countBindings(deps.bindings, { department: k.department, kind: k.id }),
        keyFields: k.key.map((name) => {
          const field = k.fields.find((f) => f.name === name)!;
          return { name, label: field.label, isSelect: field.type === 'select', options: field.options, value: req.query.kind === k.ref && typeof req.query[name] === 'string' ? String(req.query[name]) : '' };
        }),
      })),
    );
    const chosen = kinds.find((k) => k.ref === req.query.kind);
    let found: { label: string; holder: string; verified: string; since: string; goneOn?: string }[] | undefined;
    let error: string | undefined;
    if (chosen) {
      try {
        const key = bindingKeyOf(chosen, Object.fromEntries(chosen.key.map((n) => [n, typeof req.query[n] === 'string' ? req.query[n] : ''])));
        const holders = await findBindingHolders(deps.bindings, { department: chosen.department, kind: chosen.id, key });
        found = [];
        for (const openid of holders) {
          for (const b of await listBindings(deps.bindings, openid)) {
            if (b.department === chosen.department && b.kind === chosen.id && b.key === key) {
              found.push({ label: b.label, holder: maskOpenid(openid), verified: b.verifiedBy === 'connector' ? '已核验' : '按本人填写', since: b.createdAt, ...(b.goneOn ? { goneOn: b.goneOn } : {}) });
            }
          }
        }
        // Who looked up which kind, never the key itself.
        audit(deps.bindings.store, deps.now(), { actor: user(res).username, action: 'binding.lookup', target: `${chosen.name}（${departmentName(chosen.department)}），${found.length} 条` });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'VALIDATION') throw err;
        error = err.message;
      }
    }
    deps.page(res, 'work-bindings', '绑定信息', { kinds: rows, chosen: chosen?.ref, found, error }, '/console/work/bindings');
  });
  return router;
}
