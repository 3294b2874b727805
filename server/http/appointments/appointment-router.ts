// Appointment step, JSON API (mounted under /api): slots, booking, the citizen's own appointments.
// The pages are booking-pages-router.ts.
import express, { type Request } from 'express';
import { type AppointmentDeps, appointmentStepOf, bookAppointment, cancelAppointment, daySlots, hallOf, listAppointments, nowOf, parseDate, rescheduleAppointment, serviceOf } from '../../loop/index.js';
import { requireCitizen } from '../identity.js';
import { citizenAccountOf, citizenOf } from '../locals.js';
import type { RouterDeps } from '../router-deps.js';

const refOf = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

export function createAppointmentRouter(deps: RouterDeps<AppointmentDeps>) {
  const router = express.Router();
  const citizen = requireCitizen(deps.config.sessionSecret);
  const json = express.json({ limit: '64kb' });

  router.get('/services/:dept/:service/slots', async (req, res) => {
    const build = deps.live.current();
    const service = serviceOf(build, refOf(req));
    appointmentStepOf(service);
    const hall = hallOf(build, service, req.query.hall);
    const date = parseDate(req.query.date);
    res.json({ service: service.ref, ...(await daySlots(deps.store, build, service, hall, date, nowOf(deps))) });
  });

  router.post('/services/:dept/:service/appointments', citizen, json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const appointment = await bookAppointment(deps, citizenOf(res), refOf(req), body, citizenAccountOf(res));
    res.status(201).json({ appointment });
  });

  router.get('/appointments', citizen, async (_req, res) => {
    res.json({ appointments: await listAppointments(deps, citizenOf(res)) });
  });

  router.delete('/appointments/:id', citizen, async (req, res) => {
    res.json({ appointment: await cancelAppointment(deps, citizenOf(res), String(req.params.id)) });
  });

  router.post('/appointments/:id/reschedule', citizen, json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.json({ appointment: await rescheduleAppointment(deps, citizenOf(res), String(req.params.id), body) });
  });

  return router;
}
