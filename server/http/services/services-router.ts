// The service catalogue as JSON: what each department offers and which of the six steps can
// really be done online. Read-only and public, straight from the live build.
import express from 'express';
import type { AccountBuild, BuiltService } from '../../builder/index.js';
import type { LiveBuild } from '../../live-build.js';
import { hallsOf, serviceOf } from '../../loop/index.js';

function summaryOf(build: AccountBuild, s: BuiltService) {
  const department = build.departments.find((d) => d.id === s.department);
  return {
    id: s.ref,
    name: s.name,
    summary: s.summary,
    department: { id: s.department, name: department?.name ?? s.department, hotline: department?.hotline ?? null },
    topics: s.topics,
    url: s.url,
    online: s.online,
  };
}

export function createServicesRouter(deps: { live: LiveBuild }) {
  const router = express.Router();

  router.get('/services', (req, res) => {
    const build = deps.live.current();
    const topic = typeof req.query.topic === 'string' ? req.query.topic : undefined;
    const department = typeof req.query.department === 'string' ? req.query.department : undefined;
    const services = build.services
      .filter((s) => (!topic || s.topics.includes(topic)) && (!department || s.department === department))
      .map((s) => summaryOf(build, s));
    res.json({
      account: build.account.name,
      version: build.hash.slice(0, 12),
      topics: build.topics.map((t) => ({ id: t.id, name: t.name, lead: t.lead, cooperating: t.cooperating, services: t.services })),
      services,
    });
  });

  router.get('/services/:dept/:service', (req, res) => {
    const build = deps.live.current();
    const service = serviceOf(build, `${req.params.dept}/${req.params.service}`);
    res.json({
      ...summaryOf(build, service),
      steps: service.steps,
      halls: hallsOf(build, service).map((h) => ({ id: h.ref, name: h.name, address: h.address, district: h.district ?? null, phone: h.phone ?? null, lat: h.lat, lng: h.lng })),
    });
  });

  return router;
}
