// SMART's time as the phone knows it. A phone whose clock is set wrong (by hand, automatic time switched off)
// would date an offline capture by that clock, and SMART refuses one dated more than 5 minutes ahead of its own
// time for good (checkin._attendance_time). Every answer of the API carries the server's time (the HTTP `Date`
// header); the phone keeps how far its own clock is from it, measured on the last answer that came back quickly
// enough to tell, and dates its captures by SMART's time when the two are a while apart; a clock that went back
// before SMART's time at that answer is wrong, and takes no capture (`clockWentBack`). Pure rules, unit-tested
// (servertime.test.ts); `remember` and `knownOffset` keep the last offset in localStorage (it must outlive an app
// restart without signal, when offline captures are taken).

// Measured as the admin console measures it.
export { MAX_ROUND_TRIP_MS, offsetFrom } from "../../shared/servertime";

const OFFSET_KEY = "smart.clock_offset";

/** Below this the phone's own clock stands: a measurement is good to a few seconds (`Date` counts whole seconds,
 * and the answer was on its way for up to half its round trip), and offline captures are reviewed by an admin
 * anyway; a clock a minute and more off is the one that dates captures wrongly and, ahead by five, is refused. */
export const MIN_CORRECTION_MS = 30_000;

/** The correction to apply to the phone's clock: the offset when it matters (`MIN_CORRECTION_MS`), 0 when the
 * phone's clock is right enough, null when no offset is known. */
export function correctionOf(offset: number | null): number | null {
  if (offset === null) return null;
  return Math.abs(offset) >= MIN_CORRECTION_MS ? offset : 0;
}

/** An instant of the phone (ISO) moved by a correction (ms). */
export function shifted(iso: string, correction: number): string {
  return correction ? new Date(Date.parse(iso) + correction).toISOString() : iso;
}

/** How long a measured offset is believed: a clock set right since (or set wrong since) would otherwise be moved
 * by an offset that no longer holds, dating captures minutes off for good. A day covers a school's day without
 * signal; after it the phone's own clock stands until an answer measures it again. */
export const OFFSET_TTL_MS = 24 * 3_600_000;

/** A phone's clock may be set back this far without it counting as set back: a measurement is good to a few
 * seconds, automatic time nudges a clock, and SMART itself takes a capture up to 5 minutes ahead of its clock.
 * Set back further since an offset was measured, the offset no longer holds; set back before SMART's last answer,
 * the phone's clock is wrong (`clockWentBack`). */
export const MAX_SET_BACK_MS = 5 * 60_000;

/** Keeps `offset`, measured when the phone's clock read `phoneNow`: with it, SMART's time then (`lastServerTime`). */
export function remember(offset: number, phoneNow: number = Date.now()): void {
  try {
    localStorage.setItem(OFFSET_KEY, JSON.stringify({ offset, at: phoneNow }));
  } catch {
    // Storage full or denied: captures are dated by the phone's clock, as before.
  }
}

/** The offset measured last and when (by the phone's clock), or null (none, or one kept by an earlier version
 * without its time). */
function measured(): { offset: number; at: number } | null {
  try {
    const kept = JSON.parse(localStorage.getItem(OFFSET_KEY) ?? "null") as { offset?: unknown; at?: unknown } | null;
    const { offset, at } = kept ?? {};
    if (typeof offset !== "number" || typeof at !== "number" || !Number.isFinite(offset) || !Number.isFinite(at)) return null;
    return { offset, at };
  } catch {
    return null;
  }
}

/** The offset measured last on this phone within `OFFSET_TTL_MS` of `phoneNow`, or null (none, too old, one kept
 * by an earlier version without its time, or one the phone's clock was set back from since: `MAX_SET_BACK_MS`). */
export function knownOffset(phoneNow: number = Date.now()): number | null {
  const last = measured();
  if (!last) return null;
  const age = phoneNow - last.at;
  return age <= OFFSET_TTL_MS && age >= -MAX_SET_BACK_MS ? last.offset : null;
}

/** Now by SMART's clock as far as the phone knows it (ISO), and the correction applied (null: none known, the
 * phone's own clock). */
export function serverNow(phoneNow: number = Date.now()): { at: string; correction: number | null } {
  const correction = correctionOf(knownOffset(phoneNow));
  return { at: new Date(phoneNow + (correction ?? 0)).toISOString(), correction };
}

/** Whether SMART's time as the phone knows it now (`serverNow`) lies before SMART's time at its last answer (by
 * more than `MAX_SET_BACK_MS`): time does not run back, so the phone's clock is wrong (set back by hand, or
 * started again at some old date after a flat battery, with no network time to set it right), and a capture
 * dated by it would be dated wrongly: days back, it is refused later as kept too long, which it was not. */
export function clockWentBack(phoneNow: number = Date.now()): boolean {
  const last = measured();
  if (!last) return false;
  return Date.parse(serverNow(phoneNow).at) < last.at + last.offset - MAX_SET_BACK_MS;
}
