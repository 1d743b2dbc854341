// Check-ins captured without signal wait in IndexedDB (idb-keyval) and are sent later as offline check-ins
// (`"offline": true`, `captured_at`, no challenge). A live check-in is kept here too before it is sent, and
// forgotten once SMART answers it: an app closed (or a page reloaded) mid-send loses nothing, the capture goes
// out later in its offline form. Each keeps the `client_request_id` it was given at capture: every retry sends
// the same one, so SMART records it once however often the phone tries (API.md). A capture is sent by one
// sender at a time (`holding`: the check-in screen sending it live, or a run of the outbox, in this tab or
// another), so the live send and the offline one never cross, and one SMART has answered is gone before the
// next sender looks. Each is the capture of the employee signed in when it was taken, and is listed and sent
// only while they are signed in: on a phone two colleagues share, one's capture never goes out under the
// other's session (it would be judged against the wrong face, and lost to its owner). A capture SMART refused
// stays in the same store, marked with the refusal, until its owner has read it on Home ("Ditolak"): the answer
// may come while another screen is open, or with the app in the background, and must not be lost with the
// capture. What it keeps of a refused capture is what Home says of it (check-in or check-out, when): not the
// selfie, not the place. A capture SMART can no longer take (a day past the regency's limit) is given up the same
// way, whoever's it is: a phone handed on keeps no former owner's selfies and places.
import { createStore, del, entries, get, set } from "idb-keyval";
import { ApiError, UserMessage } from "../../shared/api";
import { accountInactive, CORRECT_IT, keptForLater, keptTooLong, retryLater, type Settled, settledBy } from "./answers";
import { failed, holdFor, spread, succeeded, waitLeft } from "./pace";
import { correctionOf, knownOffset, MIN_CORRECTION_MS, serverNow, shifted } from "./servertime";
import { cachedProfile, call, measureClock, offlineKeepH, signedInNip } from "./session";
import type { CheckinAnswer, CheckinBody, Kind } from "./types";

export interface Waiting {
  id: string; // = body.client_request_id
  body: CheckinBody;
  saved_at: string;
  nip?: string; // whose capture it is (none on captures kept before the app recorded it: sent as before)
  /** How far `captured_at` was moved from the phone's clock to SMART's when it was kept (ms; 0: the phone's clock
   * was right); none: no offset was known then (servertime.ts), and the one known when it is sent applies. */
  correction?: number;
  /** How many hours SMART took an offline capture when it was kept (the profile's `offline_max_age_h`); none: the
   * phone did not know (no profile read yet, or kept by an older app). */
  keep_h?: number;
}

/** A capture SMART refused: shown on Home until read, never sent again; its owner is the employee it was sent
 * for. */
export interface RefusedCapture {
  id: string;
  body: Pick<CheckinBody, "type" | "client_request_id" | "captured_at">;
  saved_at: string;
  nip?: string;
  refusal: Refusal;
}

type Kept = Waiting | RefusedCapture;

/** SMART's final refusal of a waiting capture: the API's words and what to do next. */
export interface Refusal {
  message: string;
  next: string;
}

/** What became of a waiting capture once SMART answered. */
export type Delivered = { id: string; type: Kind; captured_at: string } & Settled;

const store = createStore("smart-outbox", "checkins");
export const OUTBOX_EVENT = "smart:outbox";

/** While captures wait, how often to try again without any other cue (a link that came back without an `online`
 * event: the phone never counted as offline, only the answer never came). */
const RETRY_MS = 60_000;

function changed(delivered: Delivered[] = []): void {
  window.dispatchEvent(new CustomEvent<Delivered[]>(OUTBOX_EVENT, { detail: delivered }));
}

/** The offline form of a capture: no challenge (nor the liveness frames it asked for), `captured_at` kept. */
export function offlineBody(body: CheckinBody): CheckinBody {
  const { challenge_id: _challenge, frames: _frames, ...rest } = body;
  return { ...rest, offline: true };
}

/** What the check-in screen says when the phone's storage refused to keep a capture: nothing was kept, and
 * trying again fails the same way until room is made. */
export const STORAGE_FULL = "Penyimpanan ponsel penuh; absen tidak tersimpan. Hapus foto atau video lama, lalu coba lagi.";

/** The names browsers give IndexedDB's refusal of a write for want of room (Firefox's older one too). */
const QUOTA_ERRORS = new Set(["QuotaExceededError", "NS_ERROR_DOM_QUOTA_REACHED"]);

/** Whether a storage write was refused because the phone's storage is full. */
function storageFull(exc: unknown): boolean {
  return typeof exc === "object" && exc !== null && "name" in exc && QUOTA_ERRORS.has(String(exc.name));
}

/** What the check-in screen says when the phone's storage could not keep a capture for another reason than room
 * (Chrome's "Internal error opening backing store", a private tab's InvalidStateError, no IndexedDB at all):
 * nothing was kept, and trying again without signal fails the same way. */
export const NOT_KEPT = "Absen tidak dapat disimpan di ponsel ini, jadi belum tercatat. Ulangi absen saat ada sinyal.";

/** Keeps a capture (in its offline form) until it is sent; `correction`: how its `captured_at` was moved to
 * SMART's clock (null: no offset known yet). Any refusal of the phone's storage is a UserMessage saying nothing
 * was kept: for want of room (STORAGE_FULL), or else (NOT_KEPT). */
export async function keep(body: CheckinBody, correction: number | null = null): Promise<void> {
  const nip = signedInNip();
  const keepH = cachedProfile()?.offline_max_age_h;
  const item: Waiting = {
    id: body.client_request_id,
    body: offlineBody(body),
    saved_at: new Date().toISOString(),
    ...(nip ? { nip } : {}),
    ...(correction === null ? {} : { correction }),
    ...(keepH ? { keep_h: keepH } : {}),
  };
  try {
    await set(item.id, item, store);
  } catch (exc) {
    throw new UserMessage(storageFull(exc) ? STORAGE_FULL : NOT_KEPT);
  }
  changed();
}

/** A capture kept before its live send, which SMART has answered: forgotten (`delivered`: what Home, when it
 * is open, counts as sent). */
export async function forget(id: string, delivered: Delivered[] = []): Promise<void> {
  await del(id, store);
  changed(delivered);
}

interface Locks {
  request<T>(name: string, options: { ifAvailable: boolean }, work: (lock: unknown) => Promise<T>): Promise<T>;
}

/** The ids this page is sending now (the check-in screen's live send, the outbox's run). */
const held = new Set<string>();

/** Runs `work` while this page alone sends the capture `id`: null at once, without running it, when another
 * sender holds it (this page's, or another tab's through the browser's Web Locks, where it has them). */
export async function holding<T>(id: string, work: () => Promise<T>): Promise<T | null> {
  if (held.has(id)) return null;
  held.add(id);
  try {
    const locks = (navigator as Navigator & { locks?: Locks }).locks;
    if (!locks) return await work();
    return await locks.request(`smart-outbox:${id}`, { ifAvailable: true }, async (lock) => (lock ? work() : null));
  } finally {
    held.delete(id);
  }
}

/** Whether a capture is the employee's signed in now (nobody's when nobody is; one kept before the app recorded
 * whose it was: anyone's, as before). */
function ownersNow(item: Kept): boolean {
  const nip = signedInNip();
  return nip !== null && (item.nip ?? nip) === nip;
}

const HOUR_MS = 3_600_000;
/** The longest any regency lets SMART take an offline capture (settings.OFFLINE_MAX_AGE_H_LIMIT, 14 days): the limit
 * of a capture kept without knowing its own (`Waiting.keep_h`). */
const LONGEST_KEEP_H = 24 * 14;
/** How long past its limit a capture still waits on the phone: a phone clock off by hours, a limit raised since. */
const GIVE_UP_MARGIN_H = 24;

/** Whether SMART can no longer take a waiting capture at `now` (SMART's clock as the phone knows it): it is older than
 * the limit it was kept under, and a day more. */
function pastKeeping(item: Kept, now: number): item is Waiting {
  if ("refusal" in item) return false;
  const limitH = (item.keep_h ?? LONGEST_KEEP_H) + GIVE_UP_MARGIN_H;
  return now - Date.parse(item.body.captured_at) > limitH * HOUR_MS;
}

/** A waiting capture past keeping, given up: kept as refused for its owner (Home says it waited too long, as SMART
 * would), its selfie and place gone; a phone that cannot write that forgets it. */
async function giveUp(item: Waiting): Promise<RefusedCapture> {
  const refused = refusedRecord(item, { message: keptTooLong(item.keep_h ?? LONGEST_KEEP_H), next: CORRECT_IT });
  await set(item.id, refused, store).catch(() => del(item.id, store));
  return refused;
}

/** Every capture on the phone, whoever took it, those past keeping given up first (`giveUp`): a phone handed on
 * would otherwise keep a former owner's selfies and places, and name them on the login screen, for good. */
async function onPhone(): Promise<Kept[]> {
  const now = Date.parse(serverNow().at);
  const all = await entries<string, Kept>(store);
  return Promise.all(all.map(([, item]) => (pastKeeping(item, now) ? giveUp(item) : item)));
}

/** The captures of the employee signed in (none when nobody is), oldest first; others' wait for their owner. */
async function mine(): Promise<Kept[]> {
  return (await onPhone()).filter(ownersNow).sort((a, b) => a.body.captured_at.localeCompare(b.body.captured_at));
}

/** The captures of the employee signed in that wait to be sent, oldest first. */
export async function waiting(): Promise<Waiting[]> {
  return (await mine()).filter((item): item is Waiting => !("refusal" in item));
}

/** How many captures wait on this phone for whoever took them, signed in or not, and the one NIP they were all
 * taken under (null: none recorded, or more than one): the login screen says they wait for their owner to sign
 * in (a session that ended, its captures unsent, would let them grow too old unnoticed). Those SMART can no longer
 * take are given up, not counted (`onPhone`): they would keep the notice, and the NIP filled in, for good. */
export async function waitingOnPhone(): Promise<{ count: number; nip: string | null }> {
  const all = (await onPhone()).filter((item) => !("refusal" in item));
  const owners = new Set(all.map((item) => item.nip ?? null));
  const [only] = owners;
  return { count: all.length, nip: owners.size === 1 ? (only ?? null) : null };
}

/** The captures of the employee signed in that SMART refused and they have not read yet, oldest first. */
export async function refusals(): Promise<RefusedCapture[]> {
  return (await mine()).filter((item): item is RefusedCapture => "refusal" in item);
}

/** The employee has read this refusal: the capture is forgotten. */
export async function dismiss(id: string): Promise<void> {
  await del(id, store);
  changed();
}

/** A capture SMART answered: forgotten once recorded; once refused, its refusal is kept until read, with what
 * Home says of the capture and whose it was (the employee it was just sent for), the selfie and the place
 * dropped. */
async function settle(item: Waiting, done: Delivered): Promise<void> {
  if (done.outcome !== "refused") return del(item.id, store);
  await set(item.id, refusedRecord(item, { message: done.message, next: done.next }), store);
}

/** What is kept of a waiting capture refused (`refusal`) until its owner reads it: what Home says of it and whose
 * it was (the employee it was sent for when it recorded none), not the selfie, not the place. */
function refusedRecord(item: Waiting, refusal: Refusal): RefusedCapture {
  const { type, client_request_id, captured_at } = item.body;
  const nip = item.nip ?? signedInNip();
  return { id: item.id, body: { type, client_request_id, captured_at }, saved_at: item.saved_at, ...(nip ? { nip } : {}), refusal };
}

/** A waiting capture dated by `correction` (ms, from the phone's clock at capture: the one it was dated by is
 * taken back first), kept so before it is sent again (every try then sends the same). A phone whose storage has
 * filled up meanwhile sends it dated all the same: kept as it was, it would wait for that write forever, and a later
 * try sending another date under its id is answered with how the first was judged (409, `earlierTry`). */
async function datedBy(item: Waiting, correction: number): Promise<Waiting> {
  const phone = shifted(item.body.captured_at, -(item.correction ?? 0));
  const moved: Waiting = { ...item, body: { ...item.body, captured_at: shifted(phone, correction) }, correction };
  await set(item.id, moved, store).catch(() => undefined);
  return moved;
}

/** A capture kept without a known offset (the phone had not heard SMART's time yet, or for a day, or the app was
 * older), dated by SMART's clock as the phone knows it now (`run` asks SMART's time first); kept so, once, before
 * its first try (every try sends the same). */
async function dated(item: Waiting): Promise<Waiting> {
  if (item.correction !== undefined) return item;
  const correction = correctionOf(knownOffset());
  return correction === null ? item : datedBy(item, correction);
}

/** A capture SMART refused as dated more than 5 minutes ahead of its clock, dated again by the offset that refusal
 * told (its `Date`) when that moves it back a while: it was dated by a phone clock the phone had no (or an older)
 * measure of; null when SMART's time tells nothing new (the phone's clock was ahead when it was taken, and is no
 * longer: the refusal stands). Nothing was recorded of the refused try, so the same id goes again. */
async function redated(item: Waiting, refusal: ApiError): Promise<Waiting | null> {
  if (refusal.status !== 400 || refusal.details["captured_at"] !== "in the future") return null;
  // The refusal's own time counts only when it came back quickly, which a selfie's upload on 2G seldom does: a
  // small request tells SMART's time now (a link that tells nothing leaves the offset as it was)
  await measureClock();
  const correction = correctionOf(knownOffset());
  if (correction === null) return null;
  const back = correction - (item.correction ?? 0);
  return back <= -MIN_CORRECTION_MS ? datedBy(item, correction) : null;
}

/** What a waiting capture sends: its body, and how far its time was moved from the phone's clock when it was (the
 * reviewer sees it beside the time). The same every time it is sent: `correction` is set once (and once more only
 * after SMART refused, recording nothing, the time it was dated by: `redated`). */
export function sentBody(item: Waiting): CheckinBody {
  const seconds = Math.round((item.correction ?? 0) / 1000);
  return seconds ? { ...item.body, clock_correction_s: seconds } : item.body;
}

/** The owner of a capture signed out meanwhile (and a colleague, perhaps, signed in): it is not this run's to send. */
class NotOwners extends Error {}

/** One try of a waiting capture: SMART's answer, or its final refusal; throws when the capture must wait (no
 * signal, SMART busy or down, a session to renew) or is no longer the signed-in employee's (NotOwners). The owner
 * is checked just as the call reads the session's token (no wait between them): the list a run sends was read
 * before its first capture went out, and a session may have ended, another begun, since. */
async function tryOnce(item: Waiting): Promise<CheckinAnswer | ApiError> {
  if (!ownersNow(item)) throw new NotOwners();
  try {
    return await call<CheckinAnswer>("POST", "/v1/attendance", sentBody(item));
  } catch (exc) {
    if (retryLater(exc, item.body.captured_at, Date.now(), offlineKeepH())) throw exc;
    return exc as ApiError;
  }
}

/** What SMART's answer (or final refusal) made of a waiting capture. */
function delivered(item: Waiting, answer: CheckinAnswer | ApiError): Delivered {
  const base = { id: item.id, type: item.body.type, captured_at: item.body.captured_at };
  if (answer instanceof ApiError) return { ...base, ...settledBy(answer, item.body.captured_at, Date.now(), offlineKeepH()) };
  const message = answer.status === "accepted" ? "Absen diterima" : "Menunggu verifikasi admin";
  return { ...base, outcome: "recorded", message };
}

let flushing: Promise<Delivered[]> | null = null;

/** Sends every waiting capture, oldest first; stops at the first that must wait for signal. One run at a time, and
 * none while SMART's last busy answer (or silence) says to wait (pace.ts): nothing is sent then. */
export function flush(): Promise<Delivered[]> {
  const left = waitLeft();
  if (left > 0) {
    wakeIn(left); // the wait's end sends, also after a reload that lost the timer
    return Promise.resolve([]);
  }
  if (!flushing) {
    flushing = run().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

/** Sends one waiting capture while holding it: what SMART made of it, null when it is no longer this run's to
 * send (another sender holds it, it was answered since the list was read, or its owner signed out); throws when
 * it must wait. */
function sendOne(id: string): Promise<Delivered | null> {
  return holding(id, async () => {
    const kept = await get<Kept>(id, store);
    if (!kept || "refusal" in kept) return null;
    try {
      return await sendHeld(kept);
    } catch (exc) {
      if (exc instanceof NotOwners) return null;
      throw exc;
    }
  });
}

/** Sends a waiting capture this run holds (`sendOne`): dated, tried, tried again once dated anew when SMART's
 * refusal of its time told better, settled. */
async function sendHeld(kept: Waiting): Promise<Delivered> {
  let item = await dated(kept);
  let answer = await tryOnce(item);
  const again = answer instanceof ApiError ? await redated(item, answer) : null;
  if (again) {
    item = again;
    answer = await tryOnce(item);
  }
  const answered = delivered(item, answer);
  await settle(item, answered);
  return answered;
}

async function run(): Promise<Delivered[]> {
  const done: Delivered[] = [];
  if (!navigator.onLine) return done;
  const queue = await waiting();
  // Captures kept without an offset are dated by SMART's time measured now, before the first goes out: the app
  // starts sending (and the `online` event fires) before any other answer has told it, and an offset measured
  // before the phone's clock was set otherwise (or a day ago) may no longer hold.
  if (queue.some((item) => item.correction === undefined)) await measureClock();
  let stopped = false;
  for (const item of queue) {
    let answered: Delivered | null;
    try {
      answered = await sendOne(item.id);
    } catch (exc) {
      stopped = true;
      backOff(exc); // a wait (SMART busy or silent, the account inactive); a session to renew: the employee's
      break;
    }
    if (answered) done.push(answered);
  }
  if (!stopped) succeeded();
  if (done.length) changed(done);
  return done;
}

/** Whether this page sends by itself (`startOutbox`): then a wait's end is a cue to send. */
let started = false;
let wake: ReturnType<typeof setTimeout> | undefined;

/** Sends again once `ms` have passed (when this page sends by itself). */
function wakeIn(ms: number): void {
  if (!started) return;
  clearTimeout(wake);
  wake = setTimeout(() => void flush(), ms);
}

/** How long the outbox waits after SMART refused the account as inactive for now: a deactivation SIMPEG takes back
 * is taken back within the day, and every try uploads the selfie again (some 110 KB of a prepaid bundle). */
export const INACTIVE_WAIT_MS = 15 * 60_000;

/** A send SMART did not take for now (`exc`): the outbox waits before it sends again (Home, the app's return and
 * the minute's timer would otherwise send the same capture at once). Busy or no answer: the paced wait (pace.ts),
 * not into the same crowd; an account inactive for now: INACTIVE_WAIT_MS. */
export function backOff(exc: unknown): void {
  if (keptForLater(exc)) wakeIn(failed(exc));
  else if (accountInactive(exc)) wakeIn(holdFor(INACTIVE_WAIT_MS));
}

/** Send by itself: now (app start), at a random moment of the ten seconds after the connection returns (pace.ts:
 * not every phone under a mast in the same second), when the app comes back to the screen, when a wait SMART asked
 * for is over, and every minute while the app is open (nothing is sent when nothing waits, nor during a wait). */
export function startOutbox(): void {
  started = true;
  window.addEventListener("online", () => wakeIn(spread()));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void flush();
  });
  setInterval(() => void flush(), RETRY_MS);
  void flush();
}
