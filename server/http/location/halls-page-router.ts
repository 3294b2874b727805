// Location step, citizen page: the halls serving a service. The JSON API is location-router.ts.
import express, { type Request } from 'express';
import { closuresToday, listHalls, nowOf, parsePosition, serviceOf } from '../../loop/index.js';
import { optionalCitizen } from '../identity.js';
import type { RouterDeps } from '../router-deps.js';

const refOf = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

export function createHallsPageRouter(deps: RouterDeps) {
  const router = express.Router();

  router.get('/s/:dept/:service/halls', optionalCitizen(deps.config.sessionSecret), async (req, res) => {
    const build = deps.live.current();
    const service = serviceOf(build, refOf(req));
    const position = parsePosition(req.query.lat, req.query.lng);
    const now = nowOf(deps);
    const halls = listHalls(build, service.ref, now, position, await closuresToday(deps.store, now));
    res.type('html').send(
      deps.renderer.page('h5/halls', {
        title: `${service.name} · 办理地点`,
        backUrl: `/s/${service.ref}`,
        localMode: deps.config.localMode,
        accountName: build.account.name,
        service,
        halls,
        sortedByDistance: !!position,
        bookUrl: service.steps.appointment?.online ? `/s/${service.ref}/book` : undefined,
      }),
    );
  });

  return router;
}
