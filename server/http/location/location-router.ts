// Location step: the halls serving a service, as JSON and as an H5 page.
import express, { type Request } from 'express';
import { listHalls, type LoopDeps, nowOf, parsePosition, serviceOf } from '../../loop/index.js';
import { optionalCitizen } from '../identity.js';

const refOf = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

export function createLocationRouter(deps: LoopDeps) {
  const router = express.Router();

  router.get('/api/services/:dept/:service/halls', (req, res) => {
    const position = parsePosition(req.query.lat, req.query.lng);
    const halls = listHalls(deps.live.current(), refOf(req), nowOf(deps), position);
    res.json({ service: refOf(req), sortedBy: position ? 'distance' : 'district', halls });
  });

  router.get('/s/:dept/:service/halls', optionalCitizen(deps.config.sessionSecret), (req, res) => {
    const build = deps.live.current();
    const service = serviceOf(build, refOf(req));
    const position = parsePosition(req.query.lat, req.query.lng);
    const halls = listHalls(build, service.ref, nowOf(deps), position);
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
