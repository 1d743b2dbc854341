// What the phone makes of SMART's answer to a capture. A check-in taken live and left unanswered (no signal, SMART
// down) is kept for later; one refused shows the API's words and the next step. A capture waiting on the phone is
// sent again later, counted as recorded, or shown as refused. Pure rules, unit-tested (answers.test.ts).
import { ApiError, NETWORK_ERROR } from "../../shared/api";
import { dateText, localDay } from "./clock";
import type { AttendanceEvent, CheckinAnswer } from "./types";

/** What to do next after a refusal, where the API's own message does not already say it. */
const NEXT_STEP: Record<string, string> = {
  FACE_MISMATCH: "Ulangi dengan wajah lurus ke kamera di tempat terang. Jika tetap gagal, hubungi admin unit.",
  IMPOSSIBLE_TRAVEL: "Jika Anda memang berpindah tempat, hubungi admin unit untuk verifikasi.",
  LIVENESS_FAILED: "Tolehkan kepala perlahan ke arah yang diminta, dengan wajah tetap terlihat di kamera dan di tempat terang. Jika tetap gagal, hubungi admin unit.",
  LIVENESS_REQUIRED: "Ulangi absen dan ikuti petunjuk gerakan di layar.",
  ALREADY_RECORDED: "Tidak perlu absen lagi. Lihat Riwayat untuk rinciannya.",
  CONFLICT: "Tunggu sebentar, lalu lihat Riwayat sebelum mencoba lagi.",
  RATE_LIMITED: "Tunggu beberapa menit, lalu coba lagi.",
  DEVICE_MISMATCH: "Hubungi admin unit untuk reset perangkat.",
  ACCOUNT_INACTIVE: "Absen tidak dapat dicatat selama akun tidak aktif. Bila akun diaktifkan lagi, ajukan Koreksi absen di menu Pengajuan.",
};

export type Outcome =
  | { kind: "accepted" | "review"; answer: CheckinAnswer }
  | { kind: "saved" }
  | { kind: "refused"; code: string; message: string; next: string | null };

/** Sent to review or refused by the server vs. no answer at all: only the latter is kept for later. */
export function unanswered(exc: unknown): boolean {
  return exc instanceof ApiError && (exc.code === NETWORK_ERROR || exc.status >= 500);
}

/** Whether a live capture is kept for later: no answer judged it (`unanswered`), or the API stage's throttle or
 * the WAF's rate rule turned it away (429) before SMART looked at it. SMART itself answers 429 only to sign-ins
 * and exports, never to a challenge or a check-in, so at the 07:00 peak the capture keeps its moment instead of
 * being dropped and taken again, late, into the same crowd. */
export function keptForLater(exc: unknown): boolean {
  return unanswered(exc) || (exc instanceof ApiError && exc.status === 429);
}

/** A distance the way a person says it: "40 m", "1,5 km". */
function distance(metres: number): string {
  return metres < 1000 ? `${String(Math.round(metres))} m` : `${(metres / 1000).toLocaleString("id-ID", { maximumFractionDigits: 1 })} km`;
}

/** What an OUTSIDE_ZONE refusal adds when the fix's accuracy (`accuracyM`) reaches the zone: a teacher in the
 * classroom whose fix still strays is at work, and is told what makes the fix better, not only "outside". */
export function gpsMayBeOff(accuracyM: number): string {
  return `Lokasi GPS ponsel belum tepat (akurasi ±${String(Math.round(accuracyM))} m). Bila Anda sudah di lokasi kerja, pindah ke tempat terbuka, tunggu sampai angka akurasi lebih kecil, lalu ketuk Coba Lagi.`;
}

/** How far beyond its accuracy a phone's fix still strays: the accuracy is a 68 % radius, and indoors it is often
 * optimistic. */
const STRAY_FACTOR = 2;

/** OUTSIDE_ZONE: how far the edge of the nearest zone was (GPS drift is tens of metres; the wrong place is
 * more), and when the fix sent (`accuracyM`) may stray that far, that the GPS may be off; or that there is no zone
 * at all, which only an admin can fix. */
function outsideZone(details: Record<string, unknown>, accuracyM?: number): string | null {
  if (details["zones"] === 0) return "Belum ada zona kerja untuk Anda, jadi absen belum dapat diterima. Hubungi admin unit.";
  const metres = details["distance_m"];
  const zone = details["nearest_zone"];
  if (typeof metres !== "number" || typeof zone !== "string") return null;
  const where = `Posisi Anda sekitar ${distance(metres)} dari batas zona ${zone}.`;
  return accuracyM !== undefined && metres <= STRAY_FACTOR * accuracyM ? `${where} ${gpsMayBeOff(accuracyM)}` : where;
}

/** A refusal as the screen shows it: the API's code and words, and the next step (`accuracyM`: the accuracy of
 * the fix sent, when the screen sent one); anything but an API answer is a fault of the app and thrown on. */
export function refused(exc: unknown, accuracyM?: number): Outcome {
  if (!(exc instanceof ApiError)) throw exc;
  return { kind: "refused", code: exc.code, message: exc.message, next: nextStep(exc, accuracyM) };
}

/** What to do next after this refusal, where the API's own message does not already say it. */
function nextStep(exc: ApiError, accuracyM?: number): string | null {
  return exc.code === "OUTSIDE_ZONE" ? outsideZone(exc.details, accuracyM) : (NEXT_STEP[exc.code] ?? null);
}

/** How many hours SMART takes an offline capture (SMART_OFFLINE_MAX_AGE_H's default): an older one is refused. The
 * stage's own limit comes with the profile (`offlineKeepH`); this one stands until a profile was read. */
export const OFFLINE_KEEP_H = 72;
const HOUR_MS = 3_600_000;

/** Whether SMART refused the employee's account as inactive (SIMPEG's deactivation, which it may take back). */
export function accountInactive(exc: unknown): boolean {
  return exc instanceof ApiError && exc.code === "ACCOUNT_INACTIVE";
}

/** Whether a waiting capture (taken at `capturedAt`) should be sent again later (no signal, SMART busy or down,
 * session to renew, an account inactive for now: a deactivation SIMPEG takes back the same day) rather than
 * settled by this answer. Any other 403 (a phone no longer bound to the account, an act not allowed) settles it:
 * the same capture sent again would be refused again. An inactive account's capture waits (Home says why) while
 * SMART could still take it; older, it is settled as refused (SMART refuses an inactive account before it looks
 * at a capture's age, so it would never say "too old"). */
export function retryLater(exc: unknown, capturedAt: string, now: number = Date.now(), keepH: number = OFFLINE_KEEP_H): boolean {
  if (!(exc instanceof ApiError)) return true;
  const inactiveForNow = accountInactive(exc) && now - Date.parse(capturedAt) < keepH * HOUR_MS;
  const transient = exc.status === 401 || exc.status === 429 || exc.status >= 500 || inactiveForNow;
  return exc.code === NETWORK_ERROR || transient;
}

/** A waiting capture whose first try reached SMART with its challenge (CONFLICT) from an API that does not name
 * that try's outcome: it may have been recorded or refused, so the phone does not say which; Home reads the day
 * again, and Riwayat lists the try with its outcome. */
export const ARRIVED_EARLIER = "Sudah sampai di server sebelumnya. Lihat hasilnya di Riwayat.";

/** A waiting capture's first try, which reached SMART with its challenge (CONFLICT), as SMART answered it
 * (`details.first`: recorded, or refused with its words); an API that does not say (before the field): recorded
 * somehow, ARRIVED_EARLIER. */
function earlierTry(details: Record<string, unknown>): Settled {
  const first = details["first"] as { status?: string; code?: string; message?: string } | undefined;
  if (first?.status === "accepted") return { outcome: "recorded", message: "Absen diterima" };
  if (first?.status === "review") return { outcome: "recorded", message: "Menunggu verifikasi admin" };
  if (first?.status === "refused" && first.message) {
    return { outcome: "refused", message: first.message, next: NEXT_STEP[first.code ?? ""] ?? CORRECT_IT };
  }
  return { outcome: "recorded", message: ARRIVED_EARLIER };
}

/** Where a waiting capture refused without a next step of its own sends the employee: the moment it was taken
 * has passed, and a correction request is how a missing mark is put right. */
export const CORRECT_IT = "Absen ini tidak tercatat. Bila perlu, ajukan Koreksi absen di menu Pengajuan.";

/** A waiting capture as SMART settled it: recorded, or refused with the API's words and the next step. */
export type Settled = { outcome: "recorded"; message: string } | { outcome: "refused"; message: string; next: string };

/** SMART refused a waiting capture's time (`captured_at` more than 5 minutes ahead of SMART's clock): the
 * phone's clock was set wrong when it was taken. */
export const PHONE_CLOCK =
  "Jam ponsel tidak tepat: waktu absen ini di ponsel lebih dari 5 menit di depan jam SMART, sehingga absen ditolak.";
export const SET_THE_CLOCK =
  "Atur jam ponsel ke otomatis (Setelan → Tanggal & waktu → otomatis). Absen ini tidak tercatat: bila perlu, ajukan Koreksi absen di menu Pengajuan.";
/** ... or it waited on the phone longer than SMART takes one (`keepH` hours, the regency's limit), named in days
 * when it is whole days. */
export function keptTooLong(keepH: number): string {
  const span = keepH % 24 === 0 ? `${keepH / 24} hari` : `${keepH} jam`;
  return `Absen ini tersimpan di ponsel lebih dari ${span} sebelum terkirim, sehingga tidak dapat dicatat lagi.`;
}

/** What SMART's 409 says of a waiting capture recorded already: its own words, unless they are ALREADY_RECORDED's
 * ("Absen masuk hari ini sudah tercatat.") and the capture (`capturedAt`) is of another day than `now`'s in the
 * regency: then that day is named, as the app writes dates. */
function recordedAlready(exc: ApiError, capturedAt: string | undefined, now: number): string {
  if (exc.code !== "ALREADY_RECORDED" || capturedAt === undefined) return exc.message;
  const day = localDay(new Date(capturedAt));
  return day === localDay(new Date(now)) ? exc.message : `Absen masuk pada ${dateText(day)} sudah tercatat.`;
}

/** What a waiting capture's final refusal means. 409: recorded already (this capture's first try did arrive, or the
 * day's mark exists: `recordedAlready`). Its id was made for this capture alone, so "used for another request"
 * (CONFLICT) means that first try: it arrived with its challenge before the phone gave up waiting (or before the app
 * was closed mid-send), and was kept in the offline form; it is settled as SMART answered that try (`earlierTry`). A
 * refusal of its time (400 naming `captured_at`) is told as what it was: the phone's clock, or too long a wait, as
 * SMART names it (or, from an API that does not, by the capture's age `capturedAt` at `now`), with the regency's limit
 * `keepH`. */
export function settledBy(exc: ApiError, capturedAt?: string, now: number = Date.now(), keepH: number = OFFLINE_KEEP_H): Settled {
  if (exc.status === 409) {
    return exc.code === "CONFLICT" ? earlierTry(exc.details) : { outcome: "recorded", message: recordedAlready(exc, capturedAt, now) };
  }
  if (exc.status === 400 && capturedAt !== undefined && "captured_at" in exc.details) {
    // SMART names the cause ("in the future", "too old"); an API that names both at once: by the capture's age
    const cause = exc.details["captured_at"];
    const tooOld = cause === "too old" || (cause !== "in the future" && now - Date.parse(capturedAt) > keepH * HOUR_MS - 10 * 60_000);
    return tooOld
      ? { outcome: "refused", message: keptTooLong(keepH), next: CORRECT_IT }
      : { outcome: "refused", message: PHONE_CLOCK, next: SET_THE_CLOCK };
  }
  return { outcome: "refused", message: exc.message, next: nextStep(exc) ?? CORRECT_IT };
}

/** A number of minutes as people say it: "45 menit", "2 jam 5 menit". */
export function minutes(n: number): string {
  const h = Math.floor(n / 60);
  return h > 0 ? `${h} jam ${n % 60} menit` : `${n} menit`;
}

/** What an answer outside the day's hours means (decision 176): kept, not counted; an arrival made before
 * check-in opens does not stand in the way of one made after. */
export const OUTSIDE_HOURS: Readonly<Record<"in" | "out", string>> = {
  in: "Di luar jam absen masuk hari ini: absen ini tercatat, tetapi tidak dihitung. Bila jam absen masuk belum dibuka, absen masuk lagi setelah dibuka.",
  out: "Di luar jam absen pulang hari ini: absen ini tercatat, tetapi tidak dihitung untuk hari ini.",
};

/** Whether an answer, or the event it recorded, falls outside the day's hours for checking in or out: a category
 * with no minutes (the day records it as missing, TL4 or PSW4), as SMART reads it (`answered_outside_hours`). */
export function outsideHours(
  judged: Pick<AttendanceEvent, "type" | "category" | "late_minutes" | "early_minutes">,
): boolean {
  return Boolean(judged.category) && !(judged.type === "in" ? judged.late_minutes : judged.early_minutes);
}

/** What the answer says of the time: late or early by how much, or that it falls outside the day's hours for
 * checking in or out (`outsideHours`); null when on time. */
export function timing(answer: CheckinAnswer): string | null {
  if (outsideHours(answer)) return OUTSIDE_HOURS[answer.type];
  const spent = answer.type === "in" ? answer.late_minutes : (answer.early_minutes ?? 0);
  if (spent === 0) return null;
  return answer.type === "in" ? `Terlambat ${minutes(spent)}.` : `Pulang ${minutes(spent)} lebih awal.`;
}

