// A local stand-in of the departments' own systems (traffic police platform, provident fund, social
// insurance), mounted at /_departments in local mode (the traffic police's also gives the day's road conditions). It checks the same request signature or
// bearer token a real system would, and can be slowed down or made to fail for benchmarks.
import { deflateSync } from 'node:zlib';
import express, { type Request, type Response } from 'express';
import { createNonceMemory, STANDIN_SAMPLES, verifyRequest } from '../../connectors/index.js';

const { vehicles: SAMPLE_VEHICLES, licences: SAMPLE_LICENCES, fundAccounts: SAMPLE_FUND_ACCOUNTS, contributions: SAMPLE_CONTRIBUTIONS } = STANDIN_SAMPLES;

export interface StandinOptions {
  /** HMAC secrets (jiaojing, gongjijin) and the bearer token (renshe). */
  secrets: { jiaojing: string; gongjijin: string; renshe: string };
  /** Delay before every answer (benchmarks: a system answering in 50 ms). */
  delayMs?: number;
  /** Share of answers that are HTTP 500 (benchmarks: 1% failures). */
  failRate?: number;
  random?: () => number;
  /**
   * The vehicle registrations and licence holders binding verification and refreshed reminders
   * ask about (default: the sample data). Read on every request, so a test that changes an entry
   * sees the next answer change (a car inspected early, a licence renewed).
   */
  registrations?: Record<string, { plateType: string; vin: string; model: string; inspectionDue: string }>;
  licenceHolders?: Record<string, { name: string; validUntil: string; points: number; cycleEnd: string }>;
}

export function createDepartmentStandin(options: StandinOptions) {
  const router = express.Router();
  const random = options.random ?? Math.random;
  // Like a real system, the stand-in refuses a signed request it has already seen.
  const nonces = createNonceMemory();
  const signed = (department: 'jiaojing' | 'gongjijin') => (req: Request, res: Response, next: () => void) => {
    if (verifyRequest(options.secrets[department], req.method, req.originalUrl, '', req.headers, new Date(), nonces)) return next();
    res.status(401).json({ code: 'BAD_SIGNATURE', message: '签名无效' });
  };
  const bearer = (req: Request, res: Response, next: () => void) => {
    if (req.headers.authorization === `Bearer ${options.secrets.renshe}`) return next();
    res.status(401).json({ code: 'BAD_TOKEN', message: '令牌无效' });
  };
  router.use(async (_req, res, next) => {
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (options.failRate && random() < options.failRate) {
      res.status(500).json({ code: 'INTERNAL', message: '系统繁忙' });
      return;
    }
    next();
  });
  const notFound = (res: Response) => res.status(404).json({ code: 'NOT_FOUND', message: '没有记录' });
  const q = (req: Request, name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');

  router.get('/jiaojing/violations/:plate', signed('jiaojing'), (req, res) => {
    const vehicle = SAMPLE_VEHICLES[String(req.params.plate)];
    // Proof of ownership: a wrong VIN answers exactly like an unknown plate.
    if (!vehicle || vehicle.vin !== q(req, 'vin')) return notFound(res);
    res.json({ code: 0, data: { plate: req.params.plate, count: vehicle.violations.length, fineYuan: vehicle.violations.reduce((s, v) => s + v.fineYuan, 0), points: vehicle.violations.reduce((s, v) => s + v.points, 0), violations: vehicle.violations } });
  });
  router.get('/jiaojing/photos/:name', signed('jiaojing'), (req, res) => {
    if (!/^v\d{4}\.png$/.test(String(req.params.name))) return notFound(res);
    res.type('image/png').send(scenePhoto(Number(String(req.params.name).slice(1, 5))));
  });
  router.get('/jiaojing/licences/:idNumber', signed('jiaojing'), (req, res) => {
    const licence = SAMPLE_LICENCES[String(req.params.idNumber)];
    if (!licence || licence.fileNumber !== q(req, 'file')) return notFound(res);
    const { fileNumber: _f, ...rest } = licence;
    res.json({ code: 0, data: rest });
  });
  // Binding verification (docs/bindings.md): a registration whose type and VIN match; a holder whose name matches.
  router.get('/jiaojing/vehicles/:plate', signed('jiaojing'), (req, res) => {
    const vehicle = (options.registrations ?? STANDIN_SAMPLES.registrations)[String(req.params.plate)];
    if (!vehicle || vehicle.vin !== q(req, 'vin') || vehicle.plateType !== q(req, 'type')) return notFound(res);
    res.json({ code: 0, data: { verified: true, plateType: vehicle.plateType, model: vehicle.model, inspectionDue: vehicle.inspectionDue } });
  });
  router.get('/jiaojing/licence-holders/:idNumber', signed('jiaojing'), (req, res) => {
    const holder = (options.licenceHolders ?? STANDIN_SAMPLES.licenceHolders)[String(req.params.idNumber)];
    if (!holder || holder.name !== q(req, 'name')) return notFound(res);
    res.json({ code: 0, data: { verified: true, validUntil: holder.validUntil, points: holder.points, cycleEnd: holder.cycleEnd } });
  });
  // The day's road and weather advisory (路况天气), which fills the daily 出行天气 broadcast column (docs/broadcasts.md).
  router.get('/jiaojing/road-conditions/:date', signed('jiaojing'), (req, res) => {
    const date = String(req.params.date);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return notFound(res);
    const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
    const weather = ['晴', '多云', '阴', '小雨', '晨雾转多云'][day % 5]!;
    const low = 2 + (day % 6);
    res.json({ code: 0, data: { date, weather, temperature: `${low} 到 ${low + 8} 度`, advice: weather.includes('雨') || weather.includes('雾') ? '路面湿滑、能见度低，请减速慢行' : '道路通行总体顺畅' } });
  });
  router.get('/gongjijin/accounts/:idNumber', signed('gongjijin'), (req, res) => {
    const account = SAMPLE_FUND_ACCOUNTS[String(req.params.idNumber)];
    if (!account || account.name !== q(req, 'name')) return notFound(res);
    res.json({ code: 0, data: { ...account, name: `${account.name.slice(0, 1)}*` } });
  });
  router.get('/renshe/contributions/:idNumber', bearer, (req, res) => {
    const person = SAMPLE_CONTRIBUTIONS[String(req.params.idNumber)];
    if (!person || person.name !== q(req, 'name')) return notFound(res);
    res.json({ code: 0, data: { name: `${person.name.slice(0, 1)}*`, count: person.records.length, records: person.records } });
  });
  return router;
}

/** A small grey "scene photo" PNG (the stand-in has no camera): a road with a band, shade by id. */
function scenePhoto(seed: number): Buffer {
  const width = 160;
  const height = 100;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const road = y > 55;
      const stripe = road && y > 74 && y < 80 && Math.floor(x / 16) % 2 === 0;
      const v = stripe ? 240 : road ? 90 : 170 + ((seed * 37) % 60);
      row.set([v, v, stripe ? 200 : v + (road ? 0 : 20)], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
