// Who acts on the loop for a department. The http layer authenticates the caller (a staff bearer
// token, see http/identity.ts) and hands the loop this plain value, so the loop never depends on HTTP.
export interface StaffActor {
  /** The department the staff member acts for; they see and change only its applications and cases. */
  department: string;
  /** The token's label (e.g. 窗口1), recorded as who acted. */
  label: string;
}
