// A new version of the app reaches a phone that keeps SMART open. The service worker (vite.config.ts) takes over
// as soon as it is installed (`skipWaiting`, `clientsClaim`), so the next start or reload runs the new version;
// the page still open runs the old code until it reloads, which it does by itself, on a screen that holds
// nothing the employee is doing (Beranda, Riwayat, Rekap), at a moment that loses nothing: when it arrives while
// the app is in the background or not yet touched since it was opened or came back to the screen, when the
// employee goes to such a screen, or when such a screen is left untouched a while. A capture in progress (the
// check-in screen, the enrolment, a form being filled) is never cut off; a capture being sent is kept in the
// outbox first (checkin.ts), so even a reload from Beranda mid-send loses nothing. The app asks for a new
// version whenever it comes back to the screen, and every hour while it stays there (the browser itself asks
// when the app is opened).
import { parseHash } from "./router";
import { token } from "./session";

/** The screens a reload loses nothing on (the day is read again): no capture, no form. */
const SAFE_PATHS: ReadonlySet<string> = new Set(["/", "/riwayat", "/rekap"]);

/** After this long without a touch on a safe screen, the app reloads without waiting for a cue. */
export const IDLE_MS = 30_000;
const CHECK_EVERY_MS = 3_600_000;

/** Whether a reload now would lose nothing: a safe screen of a signed-in employee (the login screen may hold a
 * NIP and a password being typed). */
export function safeToReload(hash: string, signedIn: boolean): boolean {
  return signedIn && SAFE_PATHS.has(parseHash(hash).path);
}

/** Whether the new version should take over the page now: it has arrived, the screen is safe, and the employee
 * is not using it (the app was away from the screen, or was left untouched for `IDLE_MS`). */
export function reloadNow(p: { arrived: boolean; safe: boolean; away: boolean; idleMs: number }): boolean {
  return p.arrived && p.safe && (p.away || p.idleMs >= IDLE_MS);
}

export function startUpdates(): void {
  if (!("serviceWorker" in navigator)) return;
  const workers = navigator.serviceWorker;
  // A page opened without a service worker runs the newest code already: the first worker claiming it is no
  // new version.
  let controlled = workers.controller !== null;
  let arrived = false;
  let lastTouch = Date.now();
  // Not touched since the app was opened or came back to the screen: the version found on the way in (the
  // browser and the app look for one then) takes over before the employee starts on anything.
  let untouched = true;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const consider = (moving = false): void => {
    clearTimeout(idleTimer);
    if (!arrived) return;
    const safe = safeToReload(location.hash, token() !== null);
    const away = moving || untouched || document.visibilityState === "hidden";
    if (reloadNow({ arrived, safe, away, idleMs: Date.now() - lastTouch })) {
      location.reload();
    } else if (safe) {
      idleTimer = setTimeout(() => consider(), IDLE_MS);
    }
  };

  workers.addEventListener("controllerchange", () => {
    if (!controlled) {
      controlled = true;
      return;
    }
    arrived = true;
    consider();
  });
  for (const type of ["pointerdown", "keydown"] as const) {
    window.addEventListener(
      type,
      () => {
        lastTouch = Date.now();
        untouched = false;
      },
      { capture: true, passive: true },
    );
  }
  // Going to a safe screen is a moment the employee expects the screen to change anyway.
  window.addEventListener("hashchange", () => consider(true));

  const check = (): void => {
    void workers
      .getRegistration()
      .then((registration) => registration?.update())
      .catch(() => undefined); // no signal: the next cue asks again
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    untouched = true;
    consider();
    check();
  });
  setInterval(check, CHECK_EVERY_MS);

  // A part of the app loaded later (a lazy chunk) that the new version no longer has would break the old page:
  // it reloads into the new version instead (once; a second failure is shown as it is).
  window.addEventListener("vite:preloadError", (event) => {
    if (sessionStorage.getItem("smart.reloaded-for-chunk")) return;
    sessionStorage.setItem("smart.reloaded-for-chunk", "1");
    event.preventDefault();
    location.reload();
  });
}
