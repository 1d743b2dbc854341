// The phone's session (session.ts) against SMART's answers: which refusals end it, and the token a password change
// answers. The browser's storage, events and network are stand-ins here (Node has none of the first two).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { activate, changePassword, endsSession, logIn, myProfile, SIGNED_OUT_EVENT, token } from "./session";
import { ApiError } from "../../shared/api";

const WRONG = "NIP/nama pengguna atau kata sandi salah.";

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const error = (status: number, code: string, message = "…"): Response => answer(status, { error: { code, message } });

let signedOut: string[];

beforeEach(() => {
  const kept = new Map<string, string>();
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => void kept.set(k, v),
    removeItem: (k: string) => void kept.delete(k),
  });
  const win = new EventTarget();
  signedOut = [];
  win.addEventListener(SIGNED_OUT_EVENT, (e) => signedOut.push((e as CustomEvent<string>).detail));
  vi.stubGlobal("window", win);
  localStorage.setItem("smart.token", "old-token");
  localStorage.setItem("smart.nip", "199001012020012001");
});

afterEach(() => vi.unstubAllGlobals());

describe("a password change", () => {
  it("with a wrong current password is refused with the API's words, and the session goes on", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => error(401, "INVALID_CREDENTIALS", WRONG)));
    await expect(changePassword("salah", "Sawah-Hijau-Pagi-2027")).rejects.toThrow(WRONG);
    expect(token()).toBe("old-token");
    expect(localStorage.getItem("smart.nip")).toBe("199001012020012001");
    expect(signedOut).toEqual([]);
  });

  it("goes on with the token SMART answers", async () => {
    const fetch = vi.fn(async () => answer(200, { token: "new-token", expires_at: "2026-12-06T12:00:00+07:00" }));
    vi.stubGlobal("fetch", fetch);
    await changePassword("Sawah-Hijau-Pagi-2026", "Sawah-Hijau-Pagi-2027");
    expect(token()).toBe("new-token");
    const init = fetch.mock.calls[0]?.at(1) as RequestInit | undefined;
    expect((init?.headers as Record<string, string>)["Authorization"]).toBe("Bearer old-token");
  });
});

describe("a refusal", () => {
  it("ends the session when the token no longer works", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => error(401, "UNAUTHENTICATED", "Sesi tidak valid atau sudah berakhir.")));
    await expect(changePassword("a", "b")).rejects.toBeInstanceOf(ApiError);
    expect(token()).toBeNull();
    expect(signedOut).toEqual(["Sesi tidak valid atau sudah berakhir."]);
  });

  it("of a token the phone has since replaced leaves the new session alone", async () => {
    // GIVEN a call on its way with the old token when the employee activates again (a new code from the admin)
    let answerLate: (r: Response) => void = () => undefined;
    vi.stubGlobal("fetch", vi.fn(() => new Promise<Response>((resolve) => (answerLate = resolve))));
    const late = myProfile();
    localStorage.setItem("smart.token", "new-token");
    // WHEN SMART refuses the old token afterwards
    answerLate(error(401, "UNAUTHENTICATED", "Sesi tidak valid atau sudah berakhir."));
    await expect(late).rejects.toBeInstanceOf(ApiError);
    // THEN the new session goes on
    expect(token()).toBe("new-token");
    expect(signedOut).toEqual([]);
  });

  it("of a wrong password, or of anything but the token, does not", () => {
    expect(endsSession(new ApiError(401, "INVALID_CREDENTIALS", WRONG))).toBe(false);
    expect(endsSession(new ApiError(403, "ACCOUNT_INACTIVE", "Akun Anda tidak aktif."))).toBe(false);
    expect(endsSession(new ApiError(401, "UNAUTHENTICATED", "…"))).toBe(true);
  });
});

describe("an activation or a login", () => {
  const TOKEN = { token: "new-token", expires_at: "2026-12-06T12:00:00+07:00" };

  it("asks the browser to keep the phone's storage (its id, the session, captures waiting)", async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal("navigator", { storage: { persisted: async () => false, persist } });
    vi.stubGlobal("fetch", vi.fn(async () => answer(201, TOKEN)));
    await activate("199001012020012001", "12345678", "Sawah-Hijau-Pagi-2026");
    await vi.waitFor(() => expect(persist).toHaveBeenCalledOnce());
    vi.stubGlobal("fetch", vi.fn(async () => answer(200, TOKEN)));
    await logIn("199001012020012001", "Sawah-Hijau-Pagi-2026");
    await vi.waitFor(() => expect(persist).toHaveBeenCalledTimes(2));
    expect(token()).toBe("new-token");
  });

  it("goes on without waiting where the browser never answers, or cannot keep it", async () => {
    vi.stubGlobal("navigator", { storage: { persist: () => new Promise<boolean>(() => undefined) } });
    vi.stubGlobal("fetch", vi.fn(async () => answer(200, TOKEN)));
    await logIn("199001012020012001", "Sawah-Hijau-Pagi-2026");
    expect(token()).toBe("new-token");
    vi.stubGlobal("navigator", {});
    await logIn("199001012020012001", "Sawah-Hijau-Pagi-2026");
    expect(token()).toBe("new-token");
  });
});
