// Appointment step, citizen pages: the booking page (with 改约) and 我的预约. The JSON API is
// appointment-router.ts under /api.
import express, { type Request } from 'express';
import type { AccountBuild } from '../../builder/index.js';
import { addDays, cityDate } from '../../calendar/index.js';
import { acceptAttribute, type AppointmentDeps, appointmentsOf, appointmentStepOf, daySlots, describeTypes, formatDay, formatSize, formatSlot, hallsOf, hoursToday, isActive, listAppointments, nowOf, serviceOf, uploadTarget } from '../../loop/index.js';
import { optionalCitizen } from '../identity.js';
import { signInRedirect } from '../sign-in-redirect.js';
import type { RouterDeps } from '../router-deps.js';

const refOf = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

export function createBookingPagesRouter(deps: RouterDeps<AppointmentDeps>) {
  const router = express.Router();
  const signedIn = signInRedirect(deps.config.localMode);

  router.get('/s/:dept/:service/book', optionalCitizen(deps.config.sessionSecret), signedIn, async (req, res) => {
    const build = deps.live.current();
    const service = serviceOf(build, refOf(req));
    const step = appointmentStepOf(service);
    const now = nowOf(deps);
    const today = cityDate(now);
    const dates = Array.from({ length: step.horizonDays + 1 }, (_, i) => addDays(today, i));
    const halls = await Promise.all(hallsOf(build, service).map(async (hall) => ({
      ref: hall.ref,
      name: hall.name,
      address: hall.address,
      hoursToday: hoursToday(hall, build, now),
      // One entry per day in the booking window; closed days keep their reason for the picker, and
      // `free` (seats left) lets the picker open on the first day a citizen can actually book.
      days: await Promise.all(dates.map(async (date) => {
        const day = await daySlots(deps.store, build, service, hall, date, now);
        return { date, label: formatDay(date), closed: day.closed, free: day.free };
      })),
    })));
    const rescheduleId = typeof req.query.reschedule === 'string' ? req.query.reschedule : undefined;
    const openid = res.locals.openid;
    const current = rescheduleId ? await currentAppointment(deps, openid, rescheduleId) : undefined;
    // Say up front what booking would refuse with 409, rather than after the whole form is filled.
    const held = rescheduleId ? undefined : await heldAppointment(deps, openid, service.ref, now);
    res.type('html').send(
      deps.renderer.page('h5/appointment-book', {
        title: `${rescheduleId ? '改约' : '预约'} · ${service.name}`,
        backUrl: `/s/${service.ref}`,
        localMode: deps.config.localMode,
        accountName: build.account.name,
        service,
        step,
        fields: (step.fields ?? []).map((f) => ({ ...f, isSelect: f.type === 'select', inputType: inputTypeOf(f.type), ...(f.type === 'file' && fileInput(build, service.ref, f.name)) })),
        documents: step.documents ?? [],
        current: current && { hallName: current.hallName, when: formatSlot(current.start, current.end) },
        held: held && {
          number: held.number,
          hallName: held.hallName,
          when: formatSlot(held.start, held.end),
          rescheduleUrl: `/s/${service.ref}/book?reschedule=${encodeURIComponent(held.id)}`,
        },
        page: { service: service.ref, halls, rescheduleId, current: current && { hall: current.hall, date: current.date, start: current.start } },
      }),
    );
  });

  router.get('/me/appointments', optionalCitizen(deps.config.sessionSecret), signedIn, async (_req, res) => {
    const build = deps.live.current();
    const openid = res.locals.openid;
    const appointments = openid ? await listAppointments(deps, openid) : [];
    res.type('html').send(
      deps.renderer.page('h5/appointments', {
        title: '我的预约',
        backUrl: '/',
        signedIn: Boolean(openid),
        localMode: deps.config.localMode,
        accountName: build.account.name,
        appointments: appointments.map((a) => ({
          ...a,
          when: formatSlot(a.start, a.end),
          cancelled: a.status === 'cancelled',
          past: new Date(a.start).getTime() <= nowOf(deps).getTime(),
          rescheduleUrl: `/s/${a.service}/book?reschedule=${encodeURIComponent(a.id)}`,
          hallClosed: a.status === 'booked' && a.closedBy ? a.closedBy.reason : undefined,
        })),
      }),
    );
  });

  return router;
}

/** The appointment being rescheduled, so the pickers start from it; someone else's id shows nothing. */
async function currentAppointment(deps: AppointmentDeps, openid: string | undefined, id: string) {
  if (!openid) return undefined;
  const appt = await appointmentsOf(deps.store).get(id);
  return appt && appt.openid === openid ? appt : undefined;
}

/** The citizen's active appointment for this service, which blocks booking another one. */
async function heldAppointment(deps: AppointmentDeps, openid: string | undefined, service: string, now: Date) {
  if (!openid) return undefined;
  return (await appointmentsOf(deps.store).findBy('openid', openid)).find((a) => a.service === service && isActive(a, now));
}

/** A file field uploads through POST /api/uploads; the input shows what that will accept. */
function fileInput(build: AccountBuild, service: string, field: string) {
  const { spec } = uploadTarget(build, service, field);
  return { isFile: true, accept: acceptAttribute(spec.types), maxSizeKb: spec.maxSizeKb, hint: `${describeTypes(spec.types)}，不超过 ${formatSize(spec.maxSizeKb)}` };
}

function inputTypeOf(type: string): string {
  if (type === 'number') return 'number';
  if (type === 'date') return 'date';
  if (type === 'phone') return 'tel';
  return 'text';
}
