// What "Pegawai" reads and shows, as pure rules (employeeList.test.ts): which employees a unit choice and a search
// ask the API for, which rows a search keeps, and the unit's queue of faces awaiting approval.

/** A full NIP: found in every unit the admin sees, whatever unit is chosen. */
export const FULL_NIP = /^[0-9]{18}$/;

/** "Semua unit" searches through the server (GET /v1/admin/employees?q=, every unit in turn): from this many
 * characters on, so that one letter does not list the whole regency. */
export const ALL_UNITS_MIN = 3;

export type Listing =
  | { kind: "unit"; query: { unor_id: string }; key: string } // every page of one unit, searched in the browser
  | { kind: "search"; query: { q: string }; key: string } // the server's search across the admin's units
  | { kind: "prompt" }; // every unit, but nothing (or too little) to search for yet

/** What to read for the chosen unit (`""`: "Semua unit") and the search as typed. */
export function employeeListing(unit: string, search: string): Listing {
  const needle = normalised(search);
  if (FULL_NIP.test(needle)) return { kind: "search", query: { q: needle }, key: `q:${needle}` };
  if (unit) return { kind: "unit", query: { unor_id: unit }, key: `unit:${unit}` };
  if (needle.length >= ALL_UNITS_MIN) return { kind: "search", query: { q: needle }, key: `q:${needle}` };
  return { kind: "prompt" };
}

/** The search as compared and sent: trimmed, lower case, inner spaces as one (names have single spaces). */
export function normalised(search: string): string {
  return search.trim().toLowerCase().replace(/\s+/g, " ");
}

/** The API's own rule for `q`: a name containing it, or a NIP starting with it. */
export function matches(person: { nama: string | null; nip: string }, needle: string): boolean {
  return !needle || (person.nama ?? "").toLowerCase().includes(needle) || person.nip.startsWith(needle);
}

export interface QueuedFace {
  template_id: string;
  nip: string;
  nama: string | null;
  unor_id: string;
  created_at: string;
  created_by: string;
}

/** The queue as shown: the faces of employees the search matches, the longest waiting first. */
export function queueRows<F extends QueuedFace>(faces: readonly F[], needle: string): F[] {
  return faces
    .filter((f) => matches(f, needle))
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.template_id < b.template_id ? -1 : 1));
}

/** Who enrolled a waiting face: the employee in the app, or the admin (their user name). */
export function enrolledBy(face: QueuedFace): string {
  return face.created_by === face.nip ? "Pegawai (aplikasi)" : face.created_by;
}

/** What a waiting face says of four eyes: the admin of the last device reset (`reset_by`), every admin who reset
 * the phone or issued the code it was bound with (`resetters`: absent from an API older than the field), and who
 * enrolled it. */
export interface FourEyes {
  reset_by: string | null;
  resetters?: readonly string[];
  created_by: string;
}

/** Every admin who reset the phone before the face (`reset_by` among them; an older answer names it alone). */
function resettersOf(face: FourEyes): string[] {
  return [...new Set([...(face.resetters ?? []), ...(face.reset_by ? [face.reset_by] : [])])];
}

/** Why `admin` may not approve a waiting face, or null: a face enrolled within 7 days after a device reset waits
 * for an admin other than every one who reset the phone or issued the code it was bound with (`resettersOf`) and
 * the one who enrolled it (the API's four eyes, answered 403 after the click). Rejecting it stays open to them. */
export function approvalLeftToAnother(face: FourEyes, admin: string): string | null {
  const resetters = resettersOf(face);
  if (resetters.length === 0 || (!resetters.includes(admin) && admin !== face.created_by)) return null;
  const why = resetters.includes(admin) ? "Anda mereset perangkat pegawai ini" : "Anda mendaftarkan wajah ini";
  return `Wajah setelah reset perangkat harus disetujui admin lain (${why}). Anda tetap dapat menolaknya.`;
}
