// The record a submission stores (收件): one shape for an application submitted alone and for each
// part of a group, so both paths write the same fields the rest of the loop reads.
import type { BuiltService } from '../../builder/index.js';
import type { Application, ApplicationGroup, ApplicationPayment, StoredAttachment, TimelineEntry } from '../applications/application-types.js';
import { newClock } from '../progress/clock.js';

export interface NewApplication {
  /** An online service (its processing step is declared). */
  service: BuiltService;
  openid: string;
  /** The account it came through, when the city runs several (absent: the primary). */
  account?: string;
  data: Record<string, unknown>;
  attachments: StoredAttachment[];
  payment: ApplicationPayment;
  /** The submission's timeline entry; its time is the record's. */
  entry: TimelineEntry;
  group?: ApplicationGroup;
}

export function newApplication(no: string, input: NewApplication): Application {
  const { service, entry } = input;
  return {
    id: no,
    no,
    service: service.ref,
    serviceName: service.name,
    department: service.department,
    openid: input.openid,
    ...(input.account !== undefined ? { account: input.account } : {}),
    stage: 'submitted',
    data: input.data,
    attachments: input.attachments,
    payment: input.payment,
    clock: newClock(service.steps.processing!.timeLimitDays),
    submittedAt: entry.at,
    updatedAt: entry.at,
    timeline: [entry],
    ...(input.group ? { group: input.group } : {}),
  };
}
