// The admin's session in this browser tab: token, role and user name in sessionStorage (gone when the tab
// closes; a shared office computer keeps no admin token), and the API calls made with it. A 401 ends it.
import { ApiError, exchange, readJson, request, UserMessage, type Answer, type RequestOptions } from "../../shared/api";
import { offsetFrom } from "../../shared/servertime";
import { decimal, serverNow, setClockOffset, setZone } from "./format";

export type Role = "unit_admin" | "super_admin" | "auditor";

/** The roles as the console names them. */
export const ROLE_NAMES: Record<Role, string> = {
  unit_admin: "Admin unit",
  super_admin: "Admin BKPSDM",
  auditor: "Auditor",
};

/** Whether the regency-wide reads (the whole audit log and the record of who saw whose photos; others read their
 * units' entries of the log) answer this admin: a super admin or an auditor without units, as the login answer
 * says (a session saved before it said so: its role). */
export function readsRegency(s: Session): boolean {
  return s.seesAllUnits ?? s.role === "super_admin";
}

export function roleName(role: string): string {
  return ROLE_NAMES[role as Role] ?? role;
}

export interface Session {
  token: string;
  role: Role;
  username: string;
  expiresAt: string;
  /** The stage requires two-factor login of super admins and this one has none yet: only "Akun Saya". */
  mfaSetup: boolean;
  /** The admin's own NIP when they are also an employee: that employee's items are another admin's to decide. */
  nip?: string;
  /** Every unit is in view: a super admin, or an auditor without units (`readsRegency`). */
  seesAllUnits?: boolean;
  /** The regency's zone (IANA), whose clock the console shows; a session saved before the API named it: WIB. */
  timeZone?: string;
  /** The admin's two-factor login is on (the login answer; set on confirming it, or when the API says it is
   * already on). Turning it off ends the session, so a `true` holds for the session's life. */
  mfaEnabled?: boolean;
  /** How far SMART's clock was ahead of this computer's at login (ms; the login answer's `Date`): the session ends
   * and "today" turns by SMART's clock, not by a laptop clock set hours wrong. None (an older session): 0. */
  clockOffsetMs?: number;
}

interface LoginAnswer {
  token: string;
  role: Role;
  expires_at: string;
  mfa_setup_required?: boolean;
  nip?: string;
  sees_all_units?: boolean;
  timezone?: string;
  mfa_enabled?: boolean;
}

const KEY = "smart.admin.session";
const listeners = new Set<(s: Session | null, expired: boolean) => void>();

export function current(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    setClockOffset(s.clockOffsetMs);
    if (Date.parse(s.expiresAt) <= serverNow()) return null;
    setZone(s.timeZone);
    return s;
  } catch {
    return null;
  }
}

function publish(s: Session | null, expired = false): void {
  setZone(s?.timeZone);
  setClockOffset(s?.clockOffsetMs);
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((f) => f(s, expired));
}

export function onChange(f: (s: Session | null, expired: boolean) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** How long the console waits for an answer: API Gateway ends a request at 29 s, so a call still open after a
 * minute is a dead connection, not a slow report. */
const TIMEOUT_MS = 60_000;

/** Logs in; `otp` only when two-factor is on. The answer's `Date` tells how far this computer's clock is from
 * SMART's (`clockOffsetMs`). */
export async function logIn(username: string, password: string, otp: string | null): Promise<void> {
  const body: Record<string, string> = { username, password };
  if (otp) body["otp"] = otp;
  const sentAt = Date.now();
  const read = (r: Response): Promise<LoginAnswer> => readJson(r) as Promise<LoginAnswer>;
  const { body: a, headers } = await exchange("POST", "/v1/auth/admin/login", { body, timeoutMs: TIMEOUT_MS }, read);
  const offset = offsetFrom(headers.get("Date"), sentAt, Date.now());
  const clock = offset === null ? {} : { clockOffsetMs: offset };
  const mfaSetup = a.mfa_setup_required === true;
  const seesAllUnits = a.sees_all_units === true;
  const zone = a.timezone ? { timeZone: a.timezone } : {};
  const mfaEnabled = a.mfa_enabled === true;
  publish({ token: a.token, role: a.role, username, expiresAt: a.expires_at, mfaSetup, seesAllUnits, mfaEnabled, ...zone, ...clock, ...(a.nip ? { nip: a.nip } : {}) });
}

/** The session as it is with `changes`, everything else (the zone, the NIP, the role) kept. */
function amend(changes: Partial<Session>): void {
  const s = current();
  if (s) publish({ ...s, ...changes });
}

/** Goes on with a new token of this session (the answer of a password change), the rest of the session kept. */
export function replaceToken(token: string, expiresAt: string): void {
  amend({ token, expiresAt });
}

/** Notes that the admin's two-factor login is on ("Akun Saya" then shows it instead of offering the set-up). */
export function markMfaEnabled(): void {
  amend({ mfaEnabled: true });
}

/** Changes the admin's own password with the current one: every other session of the account ends at once
 * (API.md), this one goes on with the token the answer carries. A wrong current password is 401
 * INVALID_CREDENTIALS, which does not end the session (`send`). */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const body = { current_password: currentPassword, new_password: newPassword };
  const a = await call<{ token: string; expires_at: string }>("POST", "/v1/me/password", body);
  replaceToken(a.token, a.expires_at);
}

export async function logOut(): Promise<void> {
  const s = current();
  publish(null);
  if (s) await request("POST", "/v1/auth/logout", { token: s.token }).catch(() => undefined);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** One API call with the session's token and the time limit, its body read by `read`; an expired or revoked
 * session (401) signs out, but not a wrong password sent in the body (401 INVALID_CREDENTIALS: a wrong "Kata
 * sandi lama", which its form shows while the session goes on). */
async function send<B>(method: string, path: string, options: RequestOptions, read: (r: Response) => Promise<B>): Promise<Answer<B>> {
  const token = current()?.token ?? null;
  try {
    return await exchange(method, path, { ...options, token, timeoutMs: TIMEOUT_MS }, read);
  } catch (exc) {
    // Only the session the call was made in ends: a refusal arriving after the admin signed in again (a refresh
    // of the screens kept under the login, sent meanwhile) leaves the new session alone.
    const ended = exc instanceof ApiError && exc.status === 401 && exc.code !== "INVALID_CREDENTIALS";
    if (ended && (current()?.token ?? null) === token) publish(null, true);
    throw exc;
  }
}

/** A JSON call (`body` as JSON when given). */
export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const options: RequestOptions = {};
  if (body !== undefined) options.body = body;
  if (signal) options.signal = signal;
  return (await send(method, path, options, readJson)).body as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> =>
  call<T>("GET", withQuery(path, query), undefined, signal);

/** A file refused as too large (413, by the API or by the gateway in front of it, which says it in English and
 * without SMART's body), in words about the file and what to do: the API's own message speaks of a photo (the
 * employee app's case). Anything else as it is. */
export function fileTooLarge(exc: unknown): unknown {
  if (!(exc instanceof ApiError) || exc.status !== 413) return exc;
  const max = exc.details["max_bytes"] ?? exc.details["max_inflated_bytes"];
  const limit = typeof max === "number" && max > 0 ? ` (paling besar ${decimal(max / 1_048_576, 1)} MB)` : "";
  return new UserMessage(`Berkas terlalu besar untuk dikirim${limit}. Bagi berkas menjadi beberapa bagian, lalu kirim satu per satu.`);
}

/** Sends a file as it is (SIMPEG CSV import, fingerprint PINs and logs). */
export async function upload<T>(path: string, file: Blob, contentType: string, method: "POST" | "PUT" = "POST"): Promise<T> {
  try {
    return (await send(method, path, { body: file, contentType }, readJson)).body as T;
  } catch (exc) {
    throw fileTooLarge(exc);
  }
}

/** A file the API answers with (an export), with its headers. */
export const fetchFile = (path: string): Promise<Answer<Blob>> => send("GET", path, {}, (r) => r.blob());

export const canChange = (s: Session): boolean => s.role !== "auditor";

/** Whether the admin may change or decide on this employee: not an auditor, and not their own record (the API
 * answers 403 there: another admin decides). */
export const mayChange = (s: Session, nip: string): boolean => canChange(s) && s.nip !== nip;

/** Shown instead of the actions on the admin's own record. */
export const OWN_RECORD = "Ini data Anda sendiri: keputusan dan perubahannya dibuat oleh admin lain.";
