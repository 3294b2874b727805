// 一件事 on the dashboard: each matter application once, whatever the number of its parts (the service
// funnel counts the parts under their own services). Reads the matters room's records by their
// collection, as the other figures read the loop's.
import type { Application } from '../loop/index.js';
import type { Store } from '../store/index.js';
import { scan } from './scan.js';

export interface MatterRow {
  matter: string;
  name: string;
  applications: number;
  /** Parts created (one per applicable department). */
  parts: number;
  /** Matter applications every part of which is completed. */
  completed: number;
  rated: number;
}

/** The fields of the matters room's record the dashboard counts. */
interface MatterRecord {
  id: string;
  matter: string;
  name: string;
  state: string;
  submittedAt: string;
  parts: Array<{ no: string; department: string }>;
  rating?: unknown;
}

export async function matterRows(store: Store, keep: (submittedAt: string, departments: string[]) => boolean): Promise<MatterRow[]> {
  const records = await scan(store.collection<MatterRecord>('matterApplications'), (m) => m.state === 'open' && keep(m.submittedAt, m.parts.map((p) => p.department)));
  const applications = store.collection<Application>('applications');
  const rows = new Map<string, MatterRow>();
  for (const m of records) {
    const r = rows.get(m.matter) ?? { matter: m.matter, name: m.name, applications: 0, parts: 0, completed: 0, rated: 0 };
    r.applications += 1;
    r.parts += m.parts.length;
    const stages = await Promise.all(m.parts.map(async (p) => (await applications.get(p.no))?.stage));
    if (stages.every((s) => s === 'completed')) r.completed += 1;
    if (m.rating) r.rated += 1;
    rows.set(m.matter, r);
  }
  return [...rows.values()].sort((a, b) => a.matter.localeCompare(b.matter));
}
