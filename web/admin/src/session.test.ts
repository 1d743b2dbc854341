// The admin's session on a computer whose clock is wrong (session.ts, format.ts): an old office laptop set to
// the wrong zone and then to the local time by hand runs hours ahead of SMART, and the console must go by
// SMART's clock (the login answer's `Date`), not by the laptop's.
import { afterEach, describe, expect, it, vi } from "vitest";
import { today } from "./format";
import { current, logIn, upload } from "./session";

const SERVER_NOW = Date.parse("2026-12-07T03:00:00Z"); // 10.00 WIB on Monday 7 December 2026
const TWELVE_HOURS = 12 * 3_600_000;

function stubSessionStorage(): void {
  const kept = new Map<string, string>();
  vi.stubGlobal("sessionStorage", {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => void kept.set(k, v),
    removeItem: (k: string) => void kept.delete(k),
  });
}

/** The API's login answer as SMART gives it at `SERVER_NOW`: a 12-hour admin token, and SMART's time in `Date`. */
function stubLoginAnswer(): void {
  const body = { token: "t0k3n", role: "unit_admin", expires_at: new Date(SERVER_NOW + TWELVE_HOURS).toISOString(), timezone: "Asia/Jakarta" };
  const headers = { "Content-Type": "application/json", Date: new Date(SERVER_NOW).toUTCString() };
  vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers }))));
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a session on a laptop whose clock runs ahead", () => {
  // A laptop set to UTC-8 whose clerk put its clock on WIB by hand: it runs 15 hours ahead of SMART
  const AHEAD = 15 * 3_600_000;

  /** The admin signs in on that laptop (the token lives 12 hours by SMART's clock). */
  async function signInAhead(): Promise<void> {
    stubSessionStorage();
    stubLoginAnswer();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(SERVER_NOW + AHEAD);
    await logIn("operator", "Kebun-Teh-Lembang-2026", null);
  }

  it("is not over the moment the admin signs in, and today is SMART's date", async () => {
    await signInAhead();
    // THEN the session holds (its token is sent with the next call) and the screens open on SMART's today
    expect(current()?.token).toBe("t0k3n");
    expect(today()).toBe("2026-12-07");
  });

  it("is over once SMART's clock passes its expiry, whatever the laptop's clock says", async () => {
    await signInAhead();
    vi.setSystemTime(SERVER_NOW + AHEAD + TWELVE_HOURS + 1000);
    expect(current()).toBeNull();
  });
});

describe("a file too large for the API", () => {
  it("is said to be the file, with the limit and what to do, not the API's words about a photo", async () => {
    // GIVEN a fingerprint machine's log or a SIMPEG file over the API's 4 MB
    stubSessionStorage();
    const refusal = { error: { code: "PAYLOAD_TOO_LARGE", message: "Data terlalu besar. Kecilkan ukuran foto lalu coba lagi.", details: { max_bytes: 4 * 1024 * 1024 } } };
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(refusal), { status: 413, headers: { "Content-Type": "application/json" } }))));
    // WHEN it is uploaded, THEN the admin reads what is wrong with it and how to send it
    const sent = upload("/v1/admin/fingerprint/import", new Blob(["1\t2026-12-07 07:01:00"]), "text/plain");
    await expect(sent).rejects.toThrow("Berkas terlalu besar untuk dikirim (paling besar 4 MB). Bagi berkas menjadi beberapa bagian, lalu kirim satu per satu.");
  });

  it("says so too when the gateway in front of the API refuses it without SMART's body", async () => {
    stubSessionStorage();
    const gateway = { message: "Request Too Long" };
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(gateway), { status: 413, headers: { "Content-Type": "application/json" } }))));
    const sent = upload("/v1/admin/simpeg/import", new Blob(["nip,nama"]), "text/csv");
    await expect(sent).rejects.toThrow("Berkas terlalu besar untuk dikirim. Bagi berkas menjadi beberapa bagian, lalu kirim satu per satu.");
  });
});
