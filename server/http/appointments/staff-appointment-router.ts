// Appointments for a department's own systems (a hall's queue machine, a window's client), with a
// staff bearer token: the day list of the department's halls with the pre-check answers (ID
// numbers masked, as on the workbench), and 签到 / 未到 on the day, audited like the workbench's.
import express from 'express';
import { audit } from '../../audit/index.js';
import { cityDate } from '../../calendar/index.js';
import { dayListRow, listHallDay, recordAttendance, type WorkScope } from '../../desk/index.js';
import { nowOf, parseDate } from '../../loop/index.js';
import { requireStaff } from '../identity.js';
import { staffOf } from '../locals.js';
import type { RouterDeps } from '../router-deps.js';

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export function createStaffAppointmentRouter(deps: RouterDeps) {
  const router = express.Router();
  const staffOnly = requireStaff(deps.store);
  const scopeOf = (department: string): WorkScope => ({ all: false, departments: [department] });

  router.get('/staff/appointments', staffOnly, async (req, res) => {
    const now = nowOf(deps);
    const date = req.query.date === undefined ? cityDate(now) : parseDate(req.query.date);
    const found = await listHallDay(deps.store, scopeOf(staffOf(res).department), { date, hall: text(req.query.hall), service: text(req.query.service) });
    const build = deps.live.current();
    res.json({ date, appointments: found.map((a) => ({ ...dayListRow(a, build, now), service: a.service, hall: a.hall, start: a.start, end: a.end })) });
  });

  for (const kind of ['checked-in', 'no-show'] as const) {
    router.post(`/staff/appointments/:id/${kind}`, staffOnly, async (req, res) => {
      const staff = staffOf(res);
      const now = nowOf(deps);
      const actor = `令牌 ${staff.label}`;
      const a = await recordAttendance(deps.store, String(req.params.id), scopeOf(staff.department), kind, { actor, now });
      audit(deps.store, now, { actor, action: `appointment.${kind}`, target: `预约 ${a.number}`, detail: `部门系统（${staff.department}）` });
      res.json({ appointment: dayListRow(a, deps.live.current(), now) });
    });
  }

  return router;
}
