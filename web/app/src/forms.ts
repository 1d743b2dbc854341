// What the app's forms check before anything is sent, in the words the employee reads (the API would refuse the
// same values, naming its own English field), and the few numbers the screens write the Indonesian way.
import { ApiError, UserMessage } from "../../shared/api";

/** The digits of what was typed or pasted: a NIP as civil-service documents print it ("19911201 202512 1 689")
 * or an activation code copied with a space keeps its digits, nothing is cut. */
export function digitsOnly(value: string): string {
  return value.replace(/\D+/g, "");
}

/** Whether `value` has something besides spaces (a `required` field accepts spaces alone). */
export function filled(value: string): boolean {
  return value.trim() !== "";
}

/** The problem with a NIP (already digits only) before it is sent, or null: empty, or not the 18 digits every NIP
 * has (the API's own words for the second). */
export function nipProblem(nip: string): string | null {
  if (!nip) return "NIP wajib diisi.";
  return nip.length === 18 ? null : "NIP harus 18 digit angka.";
}

/** Throws the first problem found (the form shows it as its error line). */
export function check(...problems: (string | null)[]): void {
  const problem = problems.find((p) => p !== null);
  if (problem) throw new UserMessage(problem);
}

/** `message` as a problem when `value` is empty or spaces only, else null. */
export function needed(value: string, message: string): string | null {
  return filled(value) ? null : message;
}

/** A percentage with the Indonesian decimal comma: 12.5 → "12,5%", 10 → "10%". */
export function percentText(value: number): string {
  return `${value.toLocaleString("id-ID", { maximumFractionDigits: 2 })}%`;
}

/** `exc` in this screen's words when `code` has a meaning of its own here (a wrong current password on "Ubah
 * Kata Sandi" is not a wrong login), else `exc` itself. */
export function reworded(exc: unknown, code: string, message: string): unknown {
  return exc instanceof ApiError && exc.code === code ? new UserMessage(message) : exc;
}

/** Whether a request is withdrawn by its employee (not an approval an admin took back): after a 409 on
 * "Batalkan", the sign that an earlier try of this phone got through, its answer lost on a weak signal. */
export function withdrawnByOwner(r: { status: string; nip?: string; decided_by?: string | null } | undefined): boolean {
  return r?.status === "cancelled" && (!r.decided_by || r.decided_by === r.nip);
}
