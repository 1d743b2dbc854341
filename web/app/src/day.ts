// The working day as Home shows it: which day a profile cached on the phone still tells, which captures waiting
// on the phone count for the day shown, the status line and the one button. Pure rules, unit-tested
// (day.test.ts): Home reads the profile and the outbox, these decide what they mean.
import { messageOf } from "../../shared/api";
import { minutes, outsideHours, unanswered } from "./answers";
import { clockOf, clockText, localDay } from "./clock";
import type { Waiting } from "./outbox";
import { endsSession } from "./session";
import type { AttendanceEvent, CheckinAnswer, Kind, Profile, Today } from "./types";

const LEAVE: Record<string, string> = { C: "Cuti", I: "Izin", S: "Sakit" };

/** The day's first check-in and last check-out recorded by SMART (null: none yet). */
export interface Marks {
  check_in: AttendanceEvent | null;
  check_out: AttendanceEvent | null;
}

/** A working day and its window, as GET /v1/me's `today` gives them (`opens_at`, `closes_at` absent in a profile
 * kept from an older SMART). */
export type DayWindow = Pick<Today, "date" | "opens_at" | "closes_at">;

/** Whether `at` belongs to the working day `day`: its date, or another date its window holds (a night shift's
 * check-out in the morning after; a shift from midnight's arrival the evening before). */
export function within(at: Date, day: DayWindow): boolean {
  const date = localDay(at);
  if (date === day.date) return true;
  if (!day.closes_at || at >= new Date(day.closes_at)) return false;
  return day.opens_at ? at >= new Date(day.opens_at) : date > day.date;
}

/** Whether a capture of `kind` made for the working day waits on the phone. A check-in captured before the day's
 * window opened is not the day's arrival (SMART keeps it uncounted, and a later one counts): not counted here. */
export function waitingOn(queued: Waiting[], day: DayWindow): (kind: Kind) => boolean {
  const opens = day.opens_at ? new Date(day.opens_at) : null;
  const counts = (w: Waiting): boolean => {
    const at = new Date(w.body.captured_at);
    return within(at, day) && !(w.body.type === "in" && opens !== null && at < opens);
  };
  return (kind) => queued.some((w) => w.body.type === kind && counts(w));
}

/** Whether the profile cached on the phone still tells the working day at `now`: it is that day's date, or its
 * shift was begun (checked in, on the server or waiting on the phone), has no check-out yet but an early one (a
 * later one replaces it) and its window still holds (a night shift after midnight: the day GET /v1/me would answer
 * online, recaps.working_day). */
export function cachedDayHolds(today: Today, queued: Waiting[], now: Date): boolean {
  if (today.date === localDay(now)) return true;
  if (!today.closes_at || !within(now, today)) return false;
  const waits = waitingOn(queued, today);
  const left = today.check_out && !(today.check_out.early_minutes ?? 0);
  return Boolean(today.check_in || waits("in")) && !left && !waits("out");
}

/** The captures waiting for the day shown (`day`). Offline on a new date after a cached `previous` day, a capture
 * made within that day's window (a night shift's check-out in the morning after) is that day's, not the new
 * date's. */
export function waitingForShown(queued: Waiting[], day: DayWindow, previous?: Today): (kind: Kind) => boolean {
  const ours = previous ? queued.filter((w) => !within(new Date(w.body.captured_at), previous)) : queued;
  return waitingOn(ours, day);
}

/** Whether a check-out of the day waits on the phone captured after the day's window closed: SMART will keep it
 * uncounted, as one made live (`doneNote`). */
export function outWaitsAfterClose(queued: Waiting[], day: DayWindow): boolean {
  const closes = day.closes_at ? new Date(day.closes_at) : null;
  return queued.some((w) => {
    const at = new Date(w.body.captured_at);
    return w.body.type === "out" && closes !== null && at >= closes && within(at, day);
  });
}

/** How early the day's check-out came before the hours' end (0: none, or not early). The recap counts the day's
 * last check-out, so one made on leaving for good replaces an early one (an employee who tapped "Absen Pulang" at
 * an errand, or by mistake). */
function earlyBy(marks: Marks): number {
  return marks.check_out?.early_minutes ?? 0;
}

/** The one button that applies: in, then out (again after an early one, `earlyBy`), then none; captures waiting
 * on the phone count too. */
export function nextKind(marks: Marks, waitingToday: (kind: Kind) => boolean): Kind | null {
  if (!marks.check_in && !waitingToday("in")) return "in";
  if ((!marks.check_out || earlyBy(marks) > 0) && !waitingToday("out")) return "out";
  return null;
}

/** What Home says beside "Absen Pulang" offered again after an early check-out: that it counts as leaving early,
 * and that a later one replaces it. */
export function earlyNote(marks: Marks): string | null {
  const early = earlyBy(marks);
  if (early <= 0) return null;
  const when = clockOf(marks.check_out?.attendance_time);
  return `Absen pulang ${when ? `${when} ` : ""}dihitung pulang ${minutes(early)} lebih awal. Bila Anda masih bekerja, absen pulang lagi saat pulang: yang dihitung absen pulang terakhir.`;
}

/** What Home says once no button applies: the day is complete, or its check-out came after the window closed
 * (recorded, or waiting on the phone: `afterClose`). Such a check-out stays the day's on Home, so that "Absen
 * Pulang" is not offered again for nothing (decision 181), but the day does not count it (decision 176): the
 * employee hears what mends the day. */
export function doneNote(marks: Marks, afterClose = false): string {
  return afterClose || (marks.check_out && outsideHours(marks.check_out))
    ? "Absen pulang setelah jam absen ditutup tidak dihitung untuk hari ini. Bila Anda bekerja sampai jam pulang, ajukan Koreksi absen di menu Pengajuan."
    : "Absen hari ini sudah lengkap.";
}

/** What the day holds for the employee; `today` null: a day the phone knows nothing of (offline, its cached
 * profile is of another day), so only its own marks and waiting captures speak. `now`: where now stands to the
 * day's window (`windowState`): once it closed, a day without an arrival is not "not yet" any more. */
export function statusText(
  today: Today | null,
  marks: Marks,
  waitingKind: (kind: Kind) => boolean,
  now: WindowState = "open",
): string {
  if (today?.holiday) return `Hari libur: ${today.holiday}`;
  if (today?.leave) return LEAVE[today.leave] ?? today.leave;
  // A check-out waiting on the phone is the latest: Home offers none while one waits, only after an early one.
  if (waitingKind("out")) return "Absen pulang tersimpan di ponsel, menunggu sinyal";
  if (marks.check_out) {
    const left = `Sudah absen pulang ${clockOf(marks.check_out.attendance_time)}`.trim();
    return outsideHours(marks.check_out) ? `${left} di luar jam absen: tidak dihitung` : left;
  }
  if (marks.check_in) return `Sudah absen masuk ${clockOf(marks.check_in.attendance_time)}`.trim();
  if (waitingKind("in")) return "Absen masuk tersimpan di ponsel, menunggu sinyal";
  if (!today || today.partial) return "Belum absen masuk";
  if (today.checked_in) return "Sudah absen masuk";
  if (!today.schedule) return "Tidak ada jadwal kerja hari ini";
  if (today.field_duty) return "Belum absen masuk (dinas luar)";
  return now === "closed" ? "Tidak absen masuk hari ini" : "Belum absen masuk";
}

/** Where `now` stands to the day's window (`opens_at`, `closes_at` of GET /v1/me): an attendance before it opens
 * or after it closes is kept but not counted (one made before it opens is made again once it opens). A day off,
 * and a profile kept without the window (an older SMART), count as open: nothing to say. */
export type WindowState = "before" | "open" | "closed";

export function windowState(today: Today | null, now: Date): WindowState {
  if (!today?.schedule) return "open";
  if (today.opens_at && now < new Date(today.opens_at)) return "before";
  if (today.closes_at && now >= new Date(today.closes_at)) return "closed";
  return "open";
}

/** What Home says beside the button while the day's window does not hold `now`, so the employee hears it before
 * taking a selfie for nothing; null within the window. */
export function windowNote(today: Today | null, now: Date): string | null {
  switch (windowState(today, now)) {
    case "before":
      return `Jam absen dibuka pukul ${clockOf(today?.opens_at)}: absen sebelum itu tercatat, tetapi tidak dihitung.`;
    case "closed":
      return `Jam absen hari ini sudah ditutup pukul ${clockOf(today?.closes_at)}: absen sekarang tercatat, tetapi tidak dihitung. Bila Anda lupa absen, ajukan Koreksi absen di menu Pengajuan.`;
    default:
      return null;
  }
}

/** When `windowNote` changes next after `now` (the window opens or closes), or null: Home shows it again then. */
export function windowTurnsAt(today: Today | null, now: Date): Date | null {
  const edges = [today?.opens_at, today?.closes_at].map((at) => (at ? new Date(at) : null));
  return edges.find((at): at is Date => at !== null && at > now) ?? null;
}

/** The day of `at`'s date when it comes after the cached day `kept` (a check-in SMART recorded while the phone's
 * read of the new day got no answer): only its marks are known. Null otherwise. */
function laterDay(kept: Today, at: Date): Today | null {
  const date = localDay(at);
  return date > kept.date ? { date, schedule: null, partial: true } : null;
}

/** The day's working hours, written as the check-ins beside them are ("07.30–16.00"); `today` null: unknown
 * offline on a day the phone has no profile of, nor are they of a day the phone knows only from SMART's answers
 * (`partial`). */
export function scheduleText(today: Today | null): string {
  if (!today || today.partial) return "Belum diketahui (tanpa sinyal)";
  return today.schedule ? `${clockText(today.schedule.start)}–${clockText(today.schedule.end)}` : "Tidak ada jadwal";
}

/** What Home makes of a failed read of the day: nothing of its own when the session ended (the login screen
 * says why); the day cached on the phone when SMART gave no answer (no signal, SMART down: "Tanpa sinyal");
 * otherwise SMART's refusal in its own words (an inactive account, a phone no longer bound, too many tries),
 * which already say what to do, and no cached day whose button would only be refused as well. */
export type DayFailure = { kind: "signed-out" } | { kind: "no-signal" } | { kind: "refused"; message: string };

export function dayFailure(exc: unknown): DayFailure {
  if (endsSession(exc)) return { kind: "signed-out" };
  if (unanswered(exc)) return { kind: "no-signal" };
  return { kind: "refused", message: messageOf(exc) };
}

/** The profile kept on the phone once SMART recorded a live check-in (`answer`): its working day's mark set, so that
 * Home, shown at once from the phone's copy (and kept while the signal is gone), offers the next button before its
 * read of the day comes back. A late arrival is the day's arrival; one SMART answered outside the day's hours is
 * left out (made before check-in opens, it is made again; the read of the day tells). A check-out is set as
 * GET /v1/me sets it, one after the window closed too (named so by `statusText`). An answer of a later date than the
 * copy's day (its read of today never came back) starts that date's day, its hours unknown (`Today.partial`); an
 * earlier date's changes nothing. */
export function withCheckin(profile: Profile, answer: CheckinAnswer): Profile {
  const at = new Date(answer.attendance_time);
  const today = within(at, profile.today) ? profile.today : laterDay(profile.today, at);
  if (!today) return profile;
  const mark: AttendanceEvent = {
    event_id: answer.event_id,
    type: answer.type,
    status: answer.status,
    attendance_time: answer.attendance_time,
    late_minutes: answer.late_minutes,
    early_minutes: answer.early_minutes ?? null,
    category: answer.category,
  };
  if (answer.type === "out") return { ...profile, today: { ...today, check_out: mark } };
  if (outsideHours(answer) || today.check_in) return today === profile.today ? profile : { ...profile, today };
  return { ...profile, today: { ...today, check_in: mark, checked_in: true } };
}
