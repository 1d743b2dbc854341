// What the app keeps on the phone: the phone's id (made once, sent at activation and login so that SMART can
// bind the account to this phone), the session token and whose it is (the NIP), and the last profile read (so
// Home still opens, and a check-in can still be captured, without signal).
import { ApiError, request, type RequestOptions } from "../../shared/api";
import { keepStorage } from "./browser";
import type { Profile, TokenAnswer } from "./types";

const DEVICE_KEY = "smart.device_id";
const TOKEN_KEY = "smart.token";
const NIP_KEY = "smart.nip";
const PROFILE_KEY = "smart.profile";
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

function keep(answer: TokenAnswer, nip: string): void {
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

/** A request of this app: the API's client with this phone's time limits. */
function send<T>(method: string, path: string, options: RequestOptions): Promise<T> {
  return request<T>(method, path, { timeoutMs: method === "GET" ? READ_TIMEOUT_MS : SEND_TIMEOUT_MS, ...options });
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(NIP_KEY);
  localStorage.removeItem(PROFILE_KEY);
}

/** A call with the session's token; a token that no longer works ends the session (the login screen shows the
 * API's message). Only the session it was sent with: a late refusal of a token the phone has since replaced (a
 * new login or activation while the call was on its way) leaves the new session alone. */
export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const sentWith = token();
  try {
    return await send<T>(method, path, {
      token: sentWith,
      ...(body === undefined ? {} : { body }),
      ...(signal ? { signal } : {}),
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

/** `POST /v1/auth/logout` (the token stops working at once), then the phone forgets the session either way. */
export async function logOut(): Promise<void> {
  try {
    await send<unknown>("POST", "/v1/auth/logout", { token: token() });
  } catch {
    // Without signal (or with an already expired token) the session still ends on this phone.
  } finally {
    signOut();
  }
}

/** `POST /v1/me/password`: every other session of the account ends (API.md); this one goes on with the token
 * answered (the one it was made with stops working at the account's next password change). */
export async function changePassword(current: string, next: string): Promise<void> {
  const answer = await call<TokenAnswer>("POST", "/v1/me/password", { current_password: current, new_password: next });
  localStorage.setItem(TOKEN_KEY, answer.token);
}

export async function myProfile(signal?: AbortSignal): Promise<Profile> {
  const profile = await call<Profile>("GET", "/v1/me", undefined, signal);
  localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  return profile;
}

/** SMART refuses a fix less accurate than the stage's limit: `gps_max_accuracy_m` of the last profile read, or
 * SMART_GPS_MAX_ACCURACY_M's default (100 m) before any was read. */
export function maxAccuracyM(): number {
  return cachedProfile()?.gps_max_accuracy_m ?? 100;
}

/** The last profile read on this phone (shown while offline), or null. */
export function cachedProfile(): Profile | null {
  const raw = localStorage.getItem(PROFILE_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Profile;
  } catch {
    return null;
  }
}
