// What staff screens show of a citizen's identity: enough to match a person at the window, not
// the whole ID number (shoulder-surfing, screenshots). The full value stays in the record.

/** 11010519491231002X -> 110105********002X; anything too short to be an ID is fully starred. */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}
