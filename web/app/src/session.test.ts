// The phone's session (session.ts) against SMART's answers: which refusals end it, and the token a password change
// answers. The browser's storage, events and network are stand-ins here (Node has none of the first two).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { regencyZone } from "./clock";
import { knownOffset } from "./servertime";
import {
  activate,
  cachedProfile,
  changePassword,
  endsSession,
  fileRequest,
  logIn,
  logOut,
  myProfile,
  SIGNED_OUT_EVENT,
  tellEndedSessions,
  token,
} from "./session";
import { ApiError } from "../../shared/api";
import { stubStorage } from "./teststorage";

const WRONG = "NIP/nama pengguna atau kata sandi salah.";

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const error = (status: number, code: string, message = "…"): Response => answer(status, { error: { code, message } });

let signedOut: string[];

beforeEach(() => {
  stubStorage();
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

describe("a password change sent again after its answer was lost", () => {
  const OLD = "Sawah-Hijau-Pagi-2026";
  const NEW = "Sawah-Hijau-Pagi-2027";

  /** SMART's side of `POST /v1/me/password`: the account's password, changed when the current one matches;
   * `lose` drops the answer of the first call on its way back (weak signal) after SMART made the change. */
  function smart(password: string, lose: "answer" | "request") {
    const sent: { current_password: string; new_password: string }[] = [];
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { current_password: string; new_password: string };
      if (!sent.length && lose === "request") {
        sent.push(body);
        throw new TypeError("Failed to fetch");
      }
      sent.push(body);
      if (body.current_password !== password) return error(401, "INVALID_CREDENTIALS", WRONG);
      password = body.new_password;
      if (sent.length === 1) throw new TypeError("Failed to fetch");
      return answer(200, { token: `token-${String(sent.length)}`, expires_at: "2026-12-06T12:00:00+07:00" });
    });
    vi.stubGlobal("fetch", fetch);
    return sent;
  }

  it("is told as done when the first try got through, not as a wrong old password", async () => {
    // GIVEN a change SMART made whose answer never reached the phone
    const sent = smart(OLD, "answer");
    await expect(changePassword(OLD, NEW)).rejects.toThrow("Tidak ada koneksi");
    // WHEN the employee taps "Simpan Kata Sandi" again (SMART now refuses the old password)
    await changePassword(OLD, NEW);
    // THEN the phone finds the new password already the account's and goes on with the token SMART answers
    expect(token()).toBe("token-3");
    expect(sent.at(-1)).toEqual({ current_password: NEW, new_password: NEW });
  });

  it("makes the change asked now when the lost try set another new password", async () => {
    // GIVEN a change SMART made whose answer was lost, WHEN sent again with the new password typed otherwise
    const sent = smart(OLD, "answer");
    await expect(changePassword(OLD, NEW)).rejects.toThrow("Tidak ada koneksi");
    await changePassword(OLD, "Sawah-Hijau-Sore-2027");
    // THEN the password becomes the one asked now, from the one the lost try set
    expect(token()).toBe("token-3");
    expect(sent.at(-1)).toEqual({ current_password: NEW, new_password: "Sawah-Hijau-Sore-2027" });
  });

  it("still says the old password is wrong when the first try never arrived", async () => {
    // GIVEN a first try lost on its way to SMART, WHEN sent again with a wrong old password
    const sent = smart(OLD, "request");
    await expect(changePassword("Salah-Ketik-2026", NEW)).rejects.toThrow("Tidak ada koneksi");
    // THEN the API's refusal of the old password is what the screen shows, the session going on
    await expect(changePassword("Salah-Ketik-2026", NEW)).rejects.toThrow(WRONG);
    expect(token()).toBe("old-token");
    // AND a third try (no try left unanswered now) is sent once, costing one attempt of the lockout
    await expect(changePassword("Salah-Ketik-2026", NEW)).rejects.toThrow(WRONG);
    expect(sent).toHaveLength(4);
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

  it("of another employee forgets the profile kept, whose name and day Beranda would show; the same one keeps it", async () => {
    // GIVEN a phone handed on whose first owner's profile is still kept (decision 160: activated from the QR)
    vi.stubGlobal("navigator", {});
    const first = { nip: "199001012020012001", nama: "Siti Rahmawati" };
    localStorage.setItem("smart.profile", JSON.stringify(first));
    // WHEN the colleague activates (or logs in), THEN Beranda has no profile to show but theirs, once read
    vi.stubGlobal("fetch", vi.fn(async () => answer(201, TOKEN)));
    await activate("198502022010011002", "12345678", "Sawah-Hijau-Pagi-2026");
    expect([token(), localStorage.getItem("smart.nip"), cachedProfile()]).toEqual(["new-token", "198502022010011002", null]);
    localStorage.setItem("smart.profile", JSON.stringify(first));
    vi.stubGlobal("fetch", vi.fn(async () => answer(200, TOKEN)));
    await logIn("198502022010011002", "Sawah-Hijau-Pagi-2026");
    expect(cachedProfile()).toBeNull();
    // AND the first owner signing in again keeps theirs (Beranda opens at once from it, also offline)
    localStorage.setItem("smart.profile", JSON.stringify(first));
    await logIn("199001012020012001", "Sawah-Hijau-Pagi-2026");
    expect(cachedProfile()).toEqual(first);
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

describe("a logout", () => {
  const ENDED = "smart.ended_sessions";
  const sentTokens = (fetch: ReturnType<typeof vi.fn>): string[] =>
    fetch.mock.calls.map((c) => ((c.at(1) as RequestInit).headers as Record<string, string>)["Authorization"] ?? "");

  it("forgets the session on the phone at once, without waiting for SMART, and tells SMART in the background", async () => {
    let giveUp: (e: Error) => void = () => undefined;
    const fetch = vi.fn((_url: string, _init: RequestInit) => new Promise<Response>((_resolve, reject) => (giveUp = reject)));
    vi.stubGlobal("fetch", fetch);
    localStorage.setItem("smart.profile", JSON.stringify({ nip: "199001012020012001" }));
    logOut();
    expect(token()).toBeNull();
    expect(cachedProfile()).toBeNull();
    expect(sentTokens(fetch)).toEqual(["Bearer old-token"]);
    expect(fetch.mock.calls[0]?.[1].keepalive).toBe(true); // it outlives the page
    // the link carried nothing: the token waits on the phone to be told again
    giveUp(new TypeError("Failed to fetch"));
    await tellEndedSessions();
    expect(JSON.parse(localStorage.getItem(ENDED) ?? "[]")).toEqual(["old-token"]);
  });

  it("SMART did not hear is told again later, and forgotten once heard (or already ended there)", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    logOut();
    await tellEndedSessions();
    expect(JSON.parse(localStorage.getItem(ENDED) ?? "[]")).toEqual(["old-token"]);
    localStorage.setItem("smart.token", "second-token");
    logOut();
    await tellEndedSessions();
    expect(JSON.parse(localStorage.getItem(ENDED) ?? "[]")).toEqual(["old-token", "second-token"]);
    // the signal returns: the first is ended now, the second had expired meanwhile
    const fetch = vi.fn(async (_url: string, init: RequestInit) =>
      (init.headers as Record<string, string>)["Authorization"] === "Bearer old-token"
        ? answer(200, {})
        : error(401, "UNAUTHENTICATED", "Sesi tidak valid atau sudah berakhir."),
    );
    vi.stubGlobal("fetch", fetch);
    await tellEndedSessions();
    expect(sentTokens(fetch)).toEqual(["Bearer old-token", "Bearer second-token"]);
    expect(localStorage.getItem(ENDED)).toBeNull();
    expect(signedOut).toEqual([]); // an ended session's refusal ends nothing on the phone
  });
});

describe("every answer", () => {
  it("tells how far the phone's clock is from SMART's (its Date header)", async () => {
    const fast = Date.now() + 10 * 60_000; // SMART's clock as a phone 10 minutes slow would hear it
    const dated = new Response(JSON.stringify({ nip: "1" }), {
      status: 200,
      headers: { "Content-Type": "application/json", Date: new Date(fast).toUTCString() },
    });
    vi.stubGlobal("fetch", vi.fn(async () => dated));
    await myProfile();
    expect(Math.abs((knownOffset() ?? 0) - 10 * 60_000)).toBeLessThan(2_000);
  });

  it("tells it on a refusal too (a capture refused as ahead of SMART's clock is dated again by it)", async () => {
    const slow = Date.now() - 7 * 3_600_000; // SMART's clock as a phone 7 hours fast hears it
    const refusal = new Response(JSON.stringify({ error: { code: "VALIDATION_ERROR", message: "…", details: {} } }), {
      status: 400,
      headers: { "Content-Type": "application/json", Date: new Date(slow).toUTCString() },
    });
    vi.stubGlobal("fetch", vi.fn(async () => refusal));
    await expect(myProfile()).rejects.toThrow(ApiError);
    expect(Math.abs((knownOffset() ?? 0) + 7 * 3_600_000)).toBeLessThan(2_000);
  });
});

describe("a profile read", () => {
  it("keeps the regency's zone on the phone, whose clock the app shows from then on", async () => {
    // GIVEN a regency in Papua; WHEN the app reads the profile, THEN its times are shown on WIT's clock
    vi.stubGlobal("fetch", vi.fn(async () => answer(200, { nip: "1", timezone: "Asia/Jayapura" })));
    await myProfile();
    expect(regencyZone()).toBe("Asia/Jayapura");
  });
});

describe("a request filed with a letter photo", () => {
  const UPLINK_BPS = 50_000; // 2G/EDGE, the slowest link the app plans for
  const SMART_WORK_MS = 25_000; // within API Gateway's 29 s
  const filing = (attachmentBytes: number) => ({
    type: "DL",
    start_date: "2026-12-07",
    end_date: "2026-12-07",
    reason: "Surat tugas bimbingan teknis",
    ...(attachmentBytes ? { attachment: "A".repeat(Math.ceil(attachmentBytes / 3) * 4) } : {}),
  });
  /** A link that carries the body at `bps`, then SMART answers after `workMs`; an abort ends it as the browser does. */
  const link = (bps: number | null, workMs: number) =>
    vi.fn(
      (_url: string, init: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          const ms = bps === null ? Infinity : (String(init.body).length * 8 * 1000) / bps + workMs;
          const timer = Number.isFinite(ms) ? setTimeout(() => resolve(answer(201, { request_id: "r-1" })), ms) : undefined;
          init.signal?.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(new DOMException("aborted", "AbortError"));
          });
        }),
    );
  const timedOut = (exc: unknown): boolean => exc instanceof ApiError && exc.details["timed_out"] === true;
  const settled = (p: Promise<void>): Promise<string> =>
    p.then(
      () => "answered",
      (exc: unknown) => (timedOut(exc) ? "timed out" : String(exc)),
    );

  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is waited for while its 200 KB letter goes up a 2G link, and SMART answers within its own limit", async () => {
    // GIVEN a teacher at a rural school on EDGE (50 kbit/s up) sending a surat tugas photo of 200 KB (273 KB base64,
    // ~44 s to send), and SMART taking 25 s to answer (a cold start, S3)
    vi.stubGlobal("fetch", link(UPLINK_BPS, SMART_WORK_MS));
    // WHEN "Kirim Pengajuan" is tapped
    const outcome = settled(fileRequest(filing(200 * 1024)));
    await vi.advanceTimersByTimeAsync(75_000);
    // THEN the answer is heard, not "Server tidak menjawab" after 60 s with an upload that can never finish in time
    expect(await outcome).toBe("answered");
  });

  it("still gives up on a link that carries nothing, once such an upload and SMART's answer would be done", async () => {
    vi.stubGlobal("fetch", link(null, 0));
    const outcome = settled(fileRequest(filing(200 * 1024)));
    await vi.advanceTimersByTimeAsync(30_000 + (280_000 * 8 * 1000) / UPLINK_BPS);
    expect(await outcome).toBe("timed out");
  });

  it("without a letter gives up after 60 s, as every other write of the app does", async () => {
    vi.stubGlobal("fetch", link(null, 0));
    const outcome = settled(fileRequest(filing(0)));
    await vi.advanceTimersByTimeAsync(59_000);
    let done = false;
    void outcome.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await outcome).toBe("timed out");
  });
});
