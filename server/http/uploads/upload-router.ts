// Pre-check uploads for appointment forms: a citizen uploads one file for one declared `file`
// field and gets an id to put in that field when booking. The owner and the department's staff
// can read it back. Mount before any app-wide body parser (multer reads the body itself).
import express, { type NextFunction, type Request, type Response } from 'express';
import { ValidationError } from '../../errors.js';
import { blobsOf, FILE_PART, largestUploadKb, loadUpload, openAttachment, saveUpload, uploadTarget, type UploadViewer } from '../../loop/index.js';
import { requireCitizen, requireStaff, type StaffIdentity } from '../identity.js';
import { formBody, multipartUpload, uploadedFiles } from '../multipart-upload.js';
import { sendDownload } from '../send-attachment.js';
import type { RouterDeps } from '../router-deps.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const run = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);
/** service and field may come in the query (limits known before reading) or as form fields. */
const TEXT_FIELDS = 2;

export function createUploadRouter(deps: RouterDeps) {
  const router = express.Router();
  const citizen = requireCitizen(deps.config.sessionSecret);
  const staffOnly = requireStaff(deps.store);
  const anyone = (req: Request, res: Response, next: NextFunction) =>
    /^Bearer\s/i.test(req.headers.authorization ?? '') ? staffOnly(req, res, next) : citizen(req, res, next);

  // Bounded before the body is read: by the named field when the query names it, otherwise by
  // the largest file field of the build (the named field's own limit is applied after parsing).
  const parse = (req: Request, res: Response, next: NextFunction) => {
    try {
      const { service, field } = req.query;
      const spec =
        service !== undefined || field !== undefined
          ? uploadTarget(deps.live.current(), service, field).spec
          : { name: FILE_PART, label: '上传文件', required: true, types: [], maxSizeKb: largestUploadKb(deps.live.current()) };
      if (spec.maxSizeKb === 0) throw new ValidationError('当前没有需要上传材料的预约事项');
      multipartUpload([spec], TEXT_FIELDS, deps.config.dataDir)(req, res, next);
    } catch (err) {
      next(err);
    }
  };

  router.post('/uploads', citizen, parse, run(async (req, res) => {
    const body = formBody(req);
    const target = uploadTarget(deps.live.current(), req.query.service ?? body.service, req.query.field ?? body.field);
    const upload = await saveUpload(deps, { openid: res.locals.openid as string, target, files: uploadedFiles(req) });
    res
      .status(201)
      .location(`/api/uploads/${upload.id}`)
      .json({ id: upload.id, name: upload.name, type: upload.type, size: upload.size });
  }));

  router.get('/uploads/:id', anyone, run(async (req, res) => {
    const staff = res.locals.staff as StaffIdentity | undefined;
    const viewer: UploadViewer = staff ? { kind: 'staff', department: staff.department } : { kind: 'citizen', openid: res.locals.openid as string };
    const upload = await loadUpload(deps.store, String(req.params.id), viewer);
    const body = await openAttachment(blobsOf(deps), upload.id);
    await sendDownload(res, { id: upload.id, mime: upload.mime, ext: upload.type, originalName: upload.name }, body);
  }));

  return router;
}
