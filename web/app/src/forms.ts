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

/** How many digits an activation code has (`auth/codes.new_code`; the card prints them as they are). */
export const CODE_DIGITS = 8;

/** The problem with an activation code (already digits only) before it is sent, or null: empty, or not the card's
 * 8 digits. SMART takes any text up to 20 characters and counts a wrong one against the account's five tries (and
 * the hall's shared address), so a digit left out or typed twice is told here, in the NIP's words. */
export function codeProblem(code: string): string | null {
  if (!filled(code)) return "Kode aktivasi wajib diisi.";
  return code.length === CODE_DIGITS && digitsOnly(code) === code ? null : `Kode aktivasi harus ${CODE_DIGITS} digit angka.`;
}

/** A problem a form's own check found: the field it is about (its id, which is also its name) and what the
 * employee reads. */
export interface Problem {
  field: string;
  message: string;
}

/** `message` (null: none) as a problem of the field `field`. */
export function about(field: string, message: string | null): Problem | null {
  return message === null ? null : { field, message };
}

/** A form's own check refused: the message of its error line, and the field it is about (ui.Form marks it
 * invalid and focuses it). */
export class FieldMessage extends UserMessage {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Throws the first problem found (the form shows it as its error line, its field marked). */
export function check(...problems: (Problem | null)[]): void {
  const problem = problems.find((p) => p !== null);
  if (problem) throw new FieldMessage(problem.field, problem.message);
}

/** `message` as a problem when `value` is empty or spaces only, else null. */
export function needed(value: string, message: string): string | null {
  return filled(value) ? null : message;
}

/** `message` as a problem when nothing was typed, else null: a password is taken as typed (spaces are its own; SMART
 * judges it), and a date or time field whose value is incomplete reads as empty. */
export function given(value: string, message: string): string | null {
  return value === "" ? message : null;
}

// Each form's checks, in the order its fields stand (the first problem is the one told, as the browser's own
// check would have named the first field), each about its field by the id the screen gives it. The forms take no check of the browser's (`noValidate`, ui.Form):
// a phone whose Chrome is in English said "Please fill out this field." instead of these.

/** "Masuk". */
export function loginProblems(nip: string, password: string): (Problem | null)[] {
  return [about("nip", nipProblem(nip)), about("sandi", given(password, "Kata sandi wajib diisi."))];
}

/** "Aktifkan". */
export function activationProblems(nip: string, code: string, password: string): (Problem | null)[] {
  return [
    about("nip", nipProblem(nip)),
    about("kode", codeProblem(code)),
    about("sandi-baru", given(password, "Kata sandi baru wajib diisi.")),
  ];
}

/** "Simpan Kata Sandi" (Ubah Kata Sandi). */
export function passwordChangeProblems(current: string, next: string): (Problem | null)[] {
  return [about("sandi-lama", given(current, "Kata sandi lama wajib diisi.")), about("sandi-baru", given(next, "Kata sandi baru wajib diisi."))];
}

/** "Kirim Pengajuan": a correction names its day and the time it should have been; any other request its days. */
export function filingProblems(f: { type: string; start: string; end: string; time: string; reason: string }): (Problem | null)[] {
  const days =
    f.type === "KOREKSI"
      ? [about("tanggal", given(f.start, "Tanggal absen wajib diisi.")), about("jam", given(f.time, "Jam sebenarnya wajib diisi."))]
      : [about("mulai", given(f.start, "Tanggal mulai wajib diisi.")), about("selesai", given(f.end, "Tanggal selesai wajib diisi."))];
  return [...days, about("alasan", needed(f.reason, "Alasan wajib diisi."))];
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

/** A request as "Kirim Pengajuan" sends it (`POST /v1/me/requests`). */
export interface Filing {
  type: string;
  start_date: string;
  end_date: string;
  reason: string;
  time?: string;
  event_type?: string;
  attachment?: string;
}

/** A request as the employee's list holds it (`GET /v1/me/requests`): its content, whether a file came with it. */
export interface Listed {
  type: string;
  start_date: string;
  end_date: string;
  reason: string;
  status: string;
  time?: string | null;
  event_type?: string | null;
  attachment?: boolean;
}

/** Whether `items` (the list read after a filing got no answer) holds `sent`, waiting: it got through, its answer
 * lost on a weak signal. SMART files a request once by its content (decision 91), so a pending one of the same
 * content is what sending it again would answer; the phone tells it was sent rather than "no connection", which
 * leads to a retaken photo or a reworded reason and a second request (another place of the month's corrections). */
export function filed(items: readonly Listed[], sent: Filing): boolean {
  return items.some(
    (r) =>
      r.status === "pending" &&
      r.type === sent.type &&
      r.start_date === sent.start_date &&
      r.end_date === sent.end_date &&
      r.reason === sent.reason &&
      (r.time ?? null) === (sent.time ?? null) &&
      (r.event_type ?? null) === (sent.event_type ?? null) &&
      (r.attachment ?? false) === (sent.attachment !== undefined),
  );
}
