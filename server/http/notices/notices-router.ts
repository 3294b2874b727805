// Department pushes as a JSON API (under /api): a department system sends a notice to one of
// its citizens and follows its delivery; the department's delivery log.
import express, { type NextFunction, type Request, type Response } from 'express';
import { listDeliveries, noticeStatus, type NoticesDeps, type NoticeState, pushNotice, pushReminderDate, STATE_NAMES } from '../../notices/index.js';
import type { Store } from '../../store/index.js';
import { requireStaff } from '../identity.js';
import { staffOf } from '../locals.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const run = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);

export function createNoticesRouter(deps: NoticesDeps & { store: Store }) {
  const router = express.Router();
  const staff = requireStaff(deps.store);
  const json = express.json({ limit: '32kb' });

  router.post('/staff/notices', staff, json, run(async (req, res) => {
    const result = await pushNotice(deps, staffOf(res), req.body);
    res.status(202).location(`/api/staff/notices/${encodeURIComponent(result.id)}`).json(result);
  }));

  router.get('/staff/notices', staff, run(async (req, res) => {
    const state = typeof req.query.state === 'string' && req.query.state in STATE_NAMES ? (req.query.state as NoticeState) : undefined;
    res.json({ notices: await listDeliveries(deps, { departments: [staffOf(res).department], state }) });
  }));

  router.get('/staff/notices/:id', staff, run(async (req, res) => {
    res.json(await noticeStatus(deps, { departments: [staffOf(res).department] }, String(req.params.id)));
  }));

  // A date a department system pushes for a reminder (licence expiry…); the scheduler plans the rest.
  router.post('/staff/reminder-dates', staff, json, run(async (req, res) => {
    res.status(200).json(await pushReminderDate(deps, staffOf(res), req.body));
  }));

  return router;
}
