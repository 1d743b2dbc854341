// A screen kept under the login when the session ends by itself (a 401: the token's 30 days are over, an admin
// reset the device, the password was changed on another phone): what the employee typed there is still there when
// the same employee signs in again. The admin console does the same with its screens (decision 355).
import { type Route, screenOf } from "./router";
import { endsSession } from "./session";

/** The screens with input of the employee's own that is lost when they go: a request being filled in (its
 * dates, reason and letter photo), a password change. A check-in's capture is sent or waits in the outbox, and
 * the camera screens (check-in, Daftar Wajah) are not kept running under the login; the others only show what
 * SMART answers, read again after the login. */
const KEEPS_INPUT: ReadonlySet<string> = new Set(["/pengajuan", "/sandi"]);

/** The screen kept under the login (`screen`: `router.screenOf`'s name of it) and whose it is. */
export interface KeptScreen {
  screen: string;
  nip: string;
}

/** What a session that ended by itself on `route` (`nip`: its employee, null when the phone did not know it)
 * does: `kept`, the screen kept under the login; `toLogin`, whether the route moves to the login's address. The
 * activation stays as it is (a phone activated from the QR while an old, dead token is kept must keep its NIP and
 * code), a screen kept keeps its route, every other screen goes to the login as before. */
export function signedOutOn(route: Route, nip: string | null): { kept: KeptScreen | null; toLogin: boolean } {
  if (route.path === "/aktivasi") return { kept: null, toLogin: false };
  if (nip === null || !KEEPS_INPUT.has(route.path)) return { kept: null, toLogin: true };
  return { kept: { screen: screenOf(route, true), nip }, toLogin: false };
}

/** The kept screen still kept now, or null: while the route is still its own, and only for its employee (`nip`:
 * who is signed in, null while nobody is). Another employee signing in never sees it; nor does one leaving it
 * for another route (Back, the activation link), which drops it. */
export function keptFor(kept: KeptScreen | null, route: Route, nip: string | null): KeptScreen | null {
  if (kept === null || screenOf(route, true) !== kept.screen) return null;
  return nip === null || nip === kept.nip ? kept : null;
}

/** What the form of a kept screen says when its own request ended the session (`sentWith`: the token it went
 * with; `now`: the phone's token now): the login over the screen said the session ended, and the employee, back
 * on the form, is told that it was not sent. */
export const NOT_SENT = "Belum terkirim karena sesi berakhir. Silakan kirim lagi.";

/** Whether `exc`, a form's failure, is the end of the session it was sent in (a 401 other than a wrong password,
 * the session still ended): not a login's refusal (sent with no session) nor a refusal of a session since begun
 * again. */
export function endedBy(exc: unknown, sentWith: string | null, now: string | null): boolean {
  return endsSession(exc) && sentWith !== null && now === null;
}
