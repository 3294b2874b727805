// Which departments a workbench user acts for. Department staff and admins see only their own
// departments; the platform team sees every department and the tickets nobody could place.
// Anything outside the scope answers exactly like a missing record (404), so ids cannot be probed.

export interface WorkScope {
  /** The platform team: every department, plus desk tickets without a guessed department. */
  all: boolean;
  departments: readonly string[];
}

export function workScope(role: string, departments: readonly string[]): WorkScope {
  return role === 'platform' ? { all: true, departments: [] } : { all: false, departments: [...departments] };
}

/** Whether the scope covers a department; `undefined` (not yet placed) is the platform's. */
export function inScope(scope: WorkScope, department: string | undefined): boolean {
  if (scope.all) return true;
  return department !== undefined && scope.departments.includes(department);
}
