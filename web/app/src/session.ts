// What the app keeps on the phone: the phone's id (made once, sent at activation and login so that SMART can
// bind the account to this phone), the session token and whose it is (the NIP), the last profile read (so
// Home opens at once, and a check-in can still be captured, without signal or on a link too weak to answer),
// how far the phone's clock is from SMART's (servertime.ts), and the tokens of sessions ended on the phone whose
// logout SMART has not heard yet.
import { ApiError, exchange, readJson, type RequestOptions } from "../../shared/api";
import { OFFLINE_KEEP_H, unanswered } from "./answers";
import { keepStorage } from "./browser";
import { rememberZone } from "./clock";
import { MAX_ROUND_TRIP_MS, offsetFrom, remember } from "./servertime";
import type { Filing } from "./forms";
import type { Profile, TokenAnswer } from "./types";

const DEVICE_KEY = "smart.device_id";
const TOKEN_KEY = "smart.token";
const NIP_KEY = "smart.nip";
const PROFILE_KEY = "smart.profile";
const ENDED_KEY = "smart.ended_sessions";
export const SIGNED_OUT_EVENT = "smart:signed-out";

/** An RFC 4122 v4 id (also on older Android WebViews without `crypto.randomUUID`). */
export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = uuid();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

/** A new session (login or activation). The profile kept is another employee's when the NIP changed (a phone
 * handed on and activated from the QR while its first owner's session was still kept, decision 160): it goes,
 * or Beranda would show that employee's name and day (and offer their check-in button) until `GET /v1/me`
 * answers, which on a weak link may be never. The same employee's stays (Beranda opens at once, also offline).
 * Captures waiting in the outbox carry their owner's NIP and stay for them (outbox.ts). */
function keep(answer: TokenAnswer, nip: string): void {
  if (cachedProfile()?.nip !== nip) localStorage.removeItem(PROFILE_KEY);
  changeUnanswered = null; // a password change left unanswered is the earlier session's
  localStorage.setItem(TOKEN_KEY, answer.token);
  localStorage.setItem(NIP_KEY, nip);
  void keepStorage(); // the phone's id now binds the account: ask the browser not to evict it (never waited for)
}

/** Whether a refusal means the session's token no longer works (expired, revoked, the account changed): any 401
 * but a wrong password sent in the body (`INVALID_CREDENTIALS`, a wrong "Kata sandi lama"), which the screen
 * that asked for it shows while the session goes on. */
export function endsSession(exc: unknown): exc is ApiError {
  return exc instanceof ApiError && exc.status === 401 && exc.code !== "INVALID_CREDENTIALS";
}

/** The NIP of the employee signed in on this phone (a session begun before the phone kept it: the cached
 * profile's), or null when nobody is. */
export function signedInNip(): string | null {
  if (!token()) return null;
  return localStorage.getItem(NIP_KEY) ?? cachedProfile()?.nip ?? null;
}

/** How long a call may take on this phone before it counts as no signal: a read, and a write that may carry
 * photos (a selfie and its liveness frames, a letter) up a slow link. API Gateway itself gives up after 29 s of
 * work, so a longer wait only ever ends in a timeout. */
const READ_TIMEOUT_MS = 30_000;
const SEND_TIMEOUT_MS = 60_000;

/** A logout told to SMART after the phone has already forgotten the session: never waited for by anyone. */
const LOGOUT_TIMEOUT_MS = 10_000;

/** A request of this app: the API's client with this phone's time limits; every answer, a refusal as well as a
 * success, tells how far the phone's clock is from SMART's (its `Date` header, read as soon as it arrives). */
async function send<T>(method: string, path: string, options: RequestOptions): Promise<T> {
  const sentAt = Date.now();
  const heard = (headers: Headers): void => {
    const offset = offsetFrom(headers.get("Date"), sentAt, Date.now());
    if (offset !== null) remember(offset);
  };
  const timeoutMs = method === "GET" ? READ_TIMEOUT_MS : SEND_TIMEOUT_MS;
  const answer = await exchange(method, path, { timeoutMs, ...options, onAnswer: heard }, readJson);
  return answer.body as T;
}

/** Measures now how far the phone's clock is from SMART's, with the cheapest answer SMART gives (`GET /v1/health`:
 * no session, a few bytes), before captures kept without a known offset are dated and sent. Waits no longer than
 * an answer that can still tell the time; never throws (no signal, a slow link: the offset stays as it was). */
export async function measureClock(): Promise<void> {
  try {
    await send("GET", "/v1/health", { timeoutMs: MAX_ROUND_TRIP_MS });
  } catch {
    // a refusal told the time all the same (`send`); no answer told nothing
  }
}

export function signOut(): void {
  changeUnanswered = null; // a change left unanswered is the ended session's alone
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(NIP_KEY);
  localStorage.removeItem(PROFILE_KEY);
}

/** A call with the session's token; a token that no longer works ends the session (the login screen shows the
 * API's message). Only the session it was sent with: a late refusal of a token the phone has since replaced (a
 * new login or activation while the call was on its way) leaves the new session alone. `timeoutMs`: another
 * time limit than the phone's usual one: shorter for a call whose caller has a better way out than waiting,
 * longer for an upload that needs it (`uploadTimeoutMs`). */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<T> {
  const sentWith = token();
  try {
    return await send<T>(method, path, {
      token: sentWith,
      ...(body === undefined ? {} : { body }),
      ...(signal ? { signal } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  } catch (exc) {
    if (endsSession(exc) && sentWith !== null && token() === sentWith) {
      signOut();
      window.dispatchEvent(new CustomEvent<string>(SIGNED_OUT_EVENT, { detail: exc.message }));
    }
    throw exc;
  }
}

export async function activate(nip: string, code: string, password: string): Promise<void> {
  const body = { nip, activation_code: code, password, device_id: deviceId() };
  keep(await send<TokenAnswer>("POST", "/v1/auth/activate", { body }), nip);
}

export async function logIn(nip: string, password: string): Promise<void> {
  keep(await send<TokenAnswer>("POST", "/v1/auth/login", { body: { nip, password, device_id: deviceId() } }), nip);
}

/** The phone forgets the session at once (the login screen shows without waiting for any signal), then tells
 * SMART in the background (`POST /v1/auth/logout`: the token stops working there too). A logout SMART did not
 * hear (no signal, a link that carries nothing) is told again when the app next starts or the signal returns
 * (`tellEndedSessions`); the token is kept for that alone, under a key of its own, never used for anything else. */
export function logOut(): void {
  const ended = token();
  signOut();
  if (!ended) return;
  const tokens = endedSessions().filter((t) => t !== ended);
  writeEnded([...tokens, ended].slice(-MAX_ENDED));
  void tell(true);
}

/** At most this many ended sessions wait for SMART to hear of them (each token expires on the server anyway). */
const MAX_ENDED = 5;

function endedSessions(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(ENDED_KEY) ?? "[]");
    return Array.isArray(raw) ? raw.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

function writeEnded(tokens: string[]): void {
  if (tokens.length) localStorage.setItem(ENDED_KEY, JSON.stringify(tokens));
  else localStorage.removeItem(ENDED_KEY);
}

let telling: Promise<void> | null = null;
let tellAgain = false;

/** Tells SMART of the sessions ended on this phone that it has not heard of yet, oldest first; stops at the first
 * left unanswered (no signal). A refusal (the token expired or was ended already) means nothing is left to end.
 * One run at a time. */
export function tellEndedSessions(): Promise<void> {
  return tell(false);
}

/** `ended`: a session has just ended, which a run already on began without: it goes round once more for it. */
function tell(ended: boolean): Promise<void> {
  if (telling) {
    tellAgain ||= ended;
    return telling;
  }
  telling = (async () => {
    do {
      tellAgain = false;
      await tellAll();
    } while (tellAgain);
  })().finally(() => {
    telling = null;
  });
  return telling;
}

async function tellAll(): Promise<void> {
  for (const ended of endedSessions()) {
    // Taken off the list before it leaves: the request outlives the page (`keepalive`: the login screen may be
    // left, the app closed, at once), and is put back only when the page saw it get no answer.
    writeEnded(endedSessions().filter((t) => t !== ended));
    if (!(await toldLogout(ended))) {
      writeEnded([ended, ...endedSessions().filter((t) => t !== ended)].slice(-MAX_ENDED));
      return;
    }
  }
}

/** `POST /v1/auth/logout` with an ended session's token: whether SMART answered it (any answer but a failure of
 * its own: a token already ended or expired is refused, and nothing is left to end). */
async function toldLogout(ended: string): Promise<boolean> {
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), LOGOUT_TIMEOUT_MS);
  try {
    const answer = await fetch("/v1/auth/logout", {
      method: "POST",
      headers: { Accept: "application/json", Authorization: `Bearer ${ended}` },
      credentials: "omit",
      keepalive: true,
      signal: limit.signal,
    });
    return answer.status < 500 && answer.status !== 429;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The new password of a change sent and left unanswered (no signal, a link too weak to carry the answer back):
 * SMART may have made it. Kept in memory only, for that change's retry; forgotten at the next answer. */
let changeUnanswered: string | null = null;

/** `POST /v1/me/password`: every other session of the account ends (API.md); this one goes on with the token
 * answered (the one it was made with stops working at the account's next password change). A change sent again
 * after its answer was lost is refused for the old password when the first try got through (SMART changed it):
 * that refusal is checked once with the earlier try's new password as the current one (`madeEarlier`), so the
 * employee is told the change is done instead of "wrong old password" on a password that was right. */
export async function changePassword(current: string, next: string): Promise<void> {
  const earlier = changeUnanswered;
  changeUnanswered = null;
  let answer: TokenAnswer;
  try {
    answer = await askPasswordChange(current, next);
  } catch (exc) {
    const wrong = exc instanceof ApiError && exc.code === "INVALID_CREDENTIALS";
    if (earlier === null || earlier === current || !wrong) throw exc;
    answer = await madeEarlier(earlier, next, exc);
  }
  localStorage.setItem(TOKEN_KEY, answer.token);
}

/** One try of a password change; an unanswered one leaves its new password for the retry (`changeUnanswered`). */
async function askPasswordChange(current: string, next: string): Promise<TokenAnswer> {
  try {
    return await call<TokenAnswer>("POST", "/v1/me/password", { current_password: current, new_password: next });
  } catch (exc) {
    if (unanswered(exc)) changeUnanswered = next;
    throw exc;
  }
}

/** The answer of the change to `next` made with `earlier` (the new password of a try left unanswered) as the
 * current one: it is the account's already (that try got through, its answer lost), and the session gets a token
 * that answers; a refusal of it means that try never arrived, and `refusal` (the old password was wrong) is what
 * the employee is told. */
async function madeEarlier(earlier: string, next: string, refusal: ApiError): Promise<TokenAnswer> {
  try {
    return await askPasswordChange(earlier, next);
  } catch (exc) {
    throw exc instanceof ApiError && exc.code === "INVALID_CREDENTIALS" ? refusal : exc;
  }
}

export async function myProfile(signal?: AbortSignal): Promise<Profile> {
  const profile = await call<Profile>("GET", "/v1/me", undefined, signal);
  localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  rememberZone(profile.timezone); // the app's dates and times are the regency's from now on (clock.ts)
  return profile;
}

/** SMART refuses a fix less accurate than the stage's limit: `gps_max_accuracy_m` of the last profile read, or
 * SMART_GPS_MAX_ACCURACY_M's default (100 m) before any was read. */
export function maxAccuracyM(): number {
  return cachedProfile()?.gps_max_accuracy_m ?? 100;
}

/** How many hours SMART takes a capture kept on the phone: `offline_max_age_h` of the last profile read, or
 * SMART_OFFLINE_MAX_AGE_H's default before any was read. */
export function offlineKeepH(): number {
  return cachedProfile()?.offline_max_age_h ?? OFFLINE_KEEP_H;
}

/** The day kept on the phone after a check-in SMART recorded online, so that Home, shown at once from it, offers
 * the next button before its read of the day comes back (`mark`: the day as it is now). */
export function keepDay(mark: (profile: Profile) => Profile): void {
  const cached = cachedProfile();
  if (cached) localStorage.setItem(PROFILE_KEY, JSON.stringify(mark(cached)));
}

/** The last profile read on this phone (shown at once, and while offline), or null. */
export function cachedProfile(): Profile | null {
  const raw = localStorage.getItem(PROFILE_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Profile;
  } catch {
    return null;
  }
}

/** The slowest uplink the app plans a write's upload for (2G/EDGE, bits a second), and SMART's share of a write's
 * time limit (API Gateway ends a request after 29 s of work). */
const SLOWEST_UPLINK_BPS = 50_000;
const SERVER_WORK_MS = 30_000;

/** How long a write whose body is `chars` characters (JSON: base64 photos, ASCII) may take before it counts as no
 * signal: SMART's share and the upload at the slowest uplink, and never less than SEND_TIMEOUT_MS. A 200 KB
 * letter photo takes ~44 s up EDGE alone; cut off at 60 s, it could never get through on such a link. */
export function uploadTimeoutMs(chars: number): number {
  return Math.max(SEND_TIMEOUT_MS, SERVER_WORK_MS + Math.ceil((chars * 8 * 1000) / SLOWEST_UPLINK_BPS));
}

/** Files an employee's request ("Kirim Pengajuan"), with its letter photo when it has one, waiting as long as
 * its upload takes on 2G (a dead link still gives up, later than a small write does). */
export async function fileRequest(body: Filing): Promise<void> {
  await call<unknown>("POST", "/v1/me/requests", body, undefined, uploadTimeoutMs(JSON.stringify(body).length));
}
