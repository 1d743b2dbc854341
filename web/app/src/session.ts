// What the app keeps on the phone: the phone's id (made once, sent at activation and login so that SMART can
// bind the account to this phone) and the session token.
import { request } from "../../shared/api";
import type { Profile, TokenAnswer } from "./types";

const DEVICE_KEY = "smart.device_id";
const TOKEN_KEY = "smart.token";

function newDeviceId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // Older Android WebViews without randomUUID: the same RFC 4122 v4 form from getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = newDeviceId();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

function keep(answer: TokenAnswer): void {
  localStorage.setItem(TOKEN_KEY, answer.token);
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
}

export async function activate(nip: string, code: string, password: string): Promise<void> {
  const body = { nip, activation_code: code, password, device_id: deviceId() };
  keep(await request<TokenAnswer>("POST", "/v1/auth/activate", { body }));
}

export async function logIn(nip: string, password: string): Promise<void> {
  keep(await request<TokenAnswer>("POST", "/v1/auth/login", { body: { nip, password, device_id: deviceId() } }));
}

export function myProfile(signal?: AbortSignal): Promise<Profile> {
  return request<Profile>("GET", "/v1/me", signal ? { token: token(), signal } : { token: token() });
}
