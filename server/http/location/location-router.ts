// Location step, JSON API (mounted under /api): the halls serving a service. The page is
// halls-page-router.ts.
import express, { type Request } from 'express';
import { closuresToday, listHalls, nowOf, parsePosition } from '../../loop/index.js';
import type { RouterDeps } from '../router-deps.js';

const refOf = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

export function createLocationRouter(deps: RouterDeps) {
  const router = express.Router();

  router.get('/services/:dept/:service/halls', async (req, res) => {
    const position = parsePosition(req.query.lat, req.query.lng);
    const now = nowOf(deps);
    const halls = listHalls(deps.live.current(), refOf(req), now, position, await closuresToday(deps.store, now));
    res.json({ service: refOf(req), sortedBy: position ? 'distance' : 'district', halls });
  });

  return router;
}
