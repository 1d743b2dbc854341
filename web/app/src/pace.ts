// When the outbox may send again. At 07:00 some 7,000 phones check in within minutes: when SMART is busy (503, the
// API stage's 429) or its answers do not come, a phone that asks again every few seconds (each time Home opens, the
// app comes back to the screen, its minute's timer) keeps SMART down; and when a mast comes back, every phone under
// it gets the `online` event in the same second. So each failure doubles the window of a random wait (full
// jitter: phones that failed together do not come back together), up to a few minutes; SMART's `Retry-After` is a
// floor under it; and the signal's return starts each phone at its own random moment of ten seconds (the app open on
// the screen: a longer spread would cost a teacher whose signal lasts a minute; SMART's 429 and its jittered
// back-off spread the rest). The next
// try's time is kept in localStorage: a reload (the employee's remedy for "it does not send") does not skip the
// wait. Every try sends the same capture with the same id (outbox.ts), so waiting never records anything twice.
import { ApiError, NETWORK_ERROR } from "../../shared/api";

/** The random wait's window after the first failure (SMART's own `Retry-After` for a 503 is 5 s). */
export const FIRST_WINDOW_MS = 5_000;
/** The largest window: a capture still goes out within minutes of SMART being back. */
export const MAX_WINDOW_MS = 5 * 60_000;
/** How far apart phones whose signal came back in the same second start sending. */
export const ONLINE_SPREAD_MS = 10_000;

/** The longest `Retry-After` followed (a lockout's 15 minutes): a wrong header must not stop the outbox for hours. */
export const MAX_RETRY_AFTER_S = 900;

const KEY = "smart.outbox.pace";

interface Pace {
  failures: number;
  notBefore: number; // epoch ms
  since: number; // epoch ms when the wait was set: a phone clock set back before it ends the wait
}

/** How long to wait after the `failures`-th failure in a row: what SMART asked (`retryAfterS`, seconds), plus a
 * random part of a window that doubles with each failure, capped at MAX_WINDOW_MS. */
export function backoffMs(failures: number, retryAfterS: number | null, random: () => number = Math.random): number {
  const window = Math.min(MAX_WINDOW_MS, FIRST_WINDOW_MS * 2 ** Math.max(0, failures - 1));
  return Math.min(retryAfterS ?? 0, MAX_RETRY_AFTER_S) * 1000 + Math.floor(random() * window);
}

function read(): Pace {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<Pace> | null;
    const failures = typeof kept?.failures === "number" ? kept.failures : 0;
    const notBefore = typeof kept?.notBefore === "number" ? kept.notBefore : 0;
    const since = typeof kept?.since === "number" ? kept.since : 0;
    return { failures, notBefore, since };
  } catch {
    return { failures: 0, notBefore: 0, since: 0 };
  }
}

function write(pace: Pace): void {
  localStorage.setItem(KEY, JSON.stringify(pace));
}

/** How long (ms) before the outbox may send again; 0: now (also when the phone's clock was set back since the wait
 * began: how long is left is then unknown, and a wait of hours would be worse than one try too early). */
export function waitLeft(now: number = Date.now()): number {
  const { notBefore, since } = read();
  return now < since ? 0 : Math.max(0, notBefore - now);
}

/** A try that failed (`exc`); returns how long (ms) the next one waits. SMART busy (an answer: 503, the stage's
 * 429): longer than the last time. No answer at all (the phone's own link dropped or carried nothing; a busy SMART
 * still answers, through API Gateway, within its 29 s): only the first window, however often it failed, since a
 * teacher's signal at a rural school may last a minute and the capture must go out in it; the count of SMART's
 * busy answers is kept. */
export function failed(exc: unknown, now: number = Date.now()): number {
  const kept = read().failures;
  const answered = exc instanceof ApiError && exc.code !== NETWORK_ERROR;
  const failures = answered ? kept + 1 : kept;
  const wait = backoffMs(answered ? failures : 1, answered ? exc.retryAfterS : null);
  write({ failures, notBefore: now + wait, since: now });
  return wait;
}

/** SMART refuses whatever is sent for a while, busy or not (an account inactive for now): the next try waits `ms`;
 * the count of busy answers is kept. Returns `ms`. */
export function holdFor(ms: number, now: number = Date.now()): number {
  write({ failures: read().failures, notBefore: now + ms, since: now });
  return ms;
}

/** SMART took what waited: the next failure starts from the first window again. */
export function succeeded(): void {
  localStorage.removeItem(KEY);
}

/** The signal came back: the next try at a random moment of ONLINE_SPREAD_MS from now (later when SMART asked for
 * a longer wait); returns how long (ms). */
export function spread(now: number = Date.now()): number {
  const wait = Math.max(waitLeft(now), Math.floor(Math.random() * ONLINE_SPREAD_MS));
  write({ failures: 0, notBefore: now + wait, since: now });
  return wait;
}
