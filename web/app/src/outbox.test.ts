// Captures waiting on the phone as the outbox sends them (outbox.ts, with checkin.ts taking them): dated by SMART's
// clock as the phone knows it when they go out, sent only for the employee signed in. IndexedDB (idb-keyval) and
// the camera are stand-ins here (Node has neither); SMART is a stubbed fetch whose clock is set apart from the
// phone's, and answers as the API does (a capture more than 5 minutes ahead of its clock is refused, "in the
// future"; one older than 72 hours, "too old").
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const kept = new Map<string, unknown>();
/** The phone's storage refuses every write (filled up by other apps' files) while true. */
let storageFull = false;
vi.mock("idb-keyval", () => ({
  createStore: () => "store",
  get: async (key: string) => kept.get(key),
  set: async (key: string, value: unknown) => {
    if (storageFull) throw new Error("QuotaExceededError");
    kept.set(key, structuredClone(value));
  },
  del: async (key: string) => void kept.delete(key),
  entries: async () => [...kept.entries()],
}));
// The camera as Node can have it: the real module's sizes, a photo that is the string "foto", waits of none.
vi.mock("./camera", async (actual: () => Promise<object>) => ({ ...(await actual()), grab: () => "foto", sleep: async () => undefined }));

const { checkIn } = await import("./checkin");
const { flush, refusals, startOutbox, waiting, waitingOnPhone } = await import("./outbox");
const { keptTooLong } = await import("./answers");
const { remember } = await import("./servertime");
const { failed } = await import("./pace");
import { ApiError } from "../../shared/api";
import type { CheckinBody } from "./types";
import { stubStorage } from "./teststorage";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NIP = "199001012020012001";
const FIX = { latitude: -6.9, longitude: 107.6, accuracy_m: 12 };
/** Monday 07:00 in Jakarta by SMART's clock. */
const MONDAY_7 = Date.parse("2026-12-07T00:00:00Z");

/** The phone's clock set to `serverTime` by SMART's clock with the phone `skew` ms fast. */
function phoneAt(serverTime: number, skew: number): void {
  vi.setSystemTime(serverTime + skew);
}

interface Smart {
  /** The check-ins POSTed, in order. */
  sent: CheckinBody[];
  /** Every path asked, in order. */
  asked: string[];
}

/** SMART behind a link that answers at once, its clock `skew` ms behind the phone's; `slow`: the paths whose
 * answers take 11 s (too long a round trip to tell the time by). */
function smart(skew: number, slow: string[] = []): Smart {
  const seen: Smart = { sent: [], asked: [] };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      seen.asked.push(url);
      if (slow.includes(url)) vi.setSystemTime(Date.now() + 11_000);
      const now = Date.now() - skew;
      const headers = { "Content-Type": "application/json", Date: new Date(now).toUTCString() };
      const answer = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers });
      if (url === "/v1/health") return answer(200, { status: "ok", version: "test" });
      if (url !== "/v1/attendance") throw new Error(`unexpected ${url}`);
      const body = JSON.parse(String(init.body)) as CheckinBody;
      seen.sent.push(body);
      const captured = Date.parse(body.captured_at);
      const cause = captured > now + 5 * MINUTE ? "in the future" : captured < now - 72 * HOUR ? "too old" : null;
      if (cause) {
        const error = { code: "VALIDATION_ERROR", message: "Waktu pengambilan foto luring tidak wajar.", details: { captured_at: cause } };
        return answer(400, { error });
      }
      return answer(201, { event_id: `e-${body.client_request_id}`, status: "review", type: body.type, attendance_time: body.captured_at, late_minutes: 0, category: null, warnings: [] });
    }),
  );
  return seen;
}

/** The phone `skew` ms fast at Monday 07:00, its offset from SMART's clock measured on Saturday (two days before:
 * no longer believed). */
function unsureOfTimeOnMonday(skew: number): void {
  phoneAt(MONDAY_7 - 48 * HOUR, skew);
  remember(-skew);
  phoneAt(MONDAY_7, skew);
}

/** A capture taken now without signal. */
async function captureOffline(type: "in" | "out" = "in"): Promise<void> {
  vi.stubGlobal("navigator", { onLine: false });
  const outcome = await checkIn({ type, video: {} as HTMLVideoElement, fix: { ...FIX, at: Date.now() }, early: null, onAction: () => undefined });
  expect(outcome.kind).toBe("saved");
}

function signalBack(): void {
  vi.stubGlobal("navigator", { onLine: true });
}

beforeEach(() => {
  kept.clear();
  storageFull = false;
  stubStorage([
    ["smart.token", "token"],
    ["smart.nip", NIP],
  ]);
  vi.stubGlobal("window", new EventTarget());
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("a capture kept while the phone had not heard SMART's time for a day", () => {
  it("is dated by SMART's clock measured before it goes out: a phone 7 hours fast loses nothing", async () => {
    // GIVEN a phone 7 hours fast, last used with signal on Saturday (its offset measured then, 2 days ago)
    const skew = 7 * HOUR;
    unsureOfTimeOnMonday(skew);
    // WHEN it checks in at 07:00 and out at 07:40 on Monday without signal (no offset believed any more)
    await captureOffline("in");
    phoneAt(MONDAY_7 + 40 * MINUTE, skew);
    await captureOffline("out");
    expect((await waiting()).map((w) => w.correction)).toEqual([undefined, undefined]);
    // ... and the signal returns at 10:00, the outbox sending at once (the app's start, the `online` event)
    phoneAt(MONDAY_7 + 3 * HOUR + 500, skew); // mid-second: SMART's `Date` (whole seconds) tells it exactly
    signalBack();
    const server = smart(skew);
    const done = await flush();
    // THEN both are recorded at SMART's 07:00 and 07:40, each saying by how much the phone's clock was moved
    expect(done.map((d) => d.outcome)).toEqual(["recorded", "recorded"]);
    expect(server.sent.map((b) => Date.parse(b.captured_at))).toEqual([MONDAY_7, MONDAY_7 + 40 * MINUTE]);
    expect(server.sent.map((b) => b.clock_correction_s)).toEqual([-25_200, -25_200]);
    expect(server.asked[0]).toBe("/v1/health"); // SMART's time was asked before the first went out
    expect(await waiting()).toEqual([]);
  });

  it("goes out dated all the same when the phone's storage has filled up meanwhile (it cannot keep the new date)", async () => {
    // GIVEN a phone 7 hours fast whose offset is no longer believed, a capture kept at 07:00 on Monday
    const skew = 7 * HOUR;
    unsureOfTimeOnMonday(skew);
    await captureOffline("in");
    // WHEN the phone's storage fills up before the signal returns at 10:00
    storageFull = true;
    phoneAt(MONDAY_7 + 3 * HOUR + 500, skew);
    signalBack();
    const server = smart(skew);
    const done = await flush();
    // THEN it is sent at SMART's 07:00 and recorded, not stuck waiting for a write the phone refuses
    expect(done.map((d) => d.outcome)).toEqual(["recorded"]);
    expect(server.sent.map((b) => Date.parse(b.captured_at))).toEqual([MONDAY_7]);
    expect(await waiting()).toEqual([]);
  });

  it("from a phone 10 minutes fast goes out at SMART's time, saying so, not at the phone's", async () => {
    const skew = 10 * MINUTE;
    phoneAt(MONDAY_7 + 25 * MINUTE - 30 * HOUR, skew);
    remember(-skew);
    phoneAt(MONDAY_7 + 25 * MINUTE, skew);
    await captureOffline();
    phoneAt(MONDAY_7 + 5 * HOUR + 500, skew);
    signalBack();
    const server = smart(skew);
    await flush();
    expect(server.sent.map((b) => [Date.parse(b.captured_at), b.clock_correction_s])).toEqual([[MONDAY_7 + 25 * MINUTE, -600]]);
  });

  it("refused as ahead of SMART's clock is dated again by that answer's time and sent once more, same id", async () => {
    // GIVEN a capture kept by a phone 7 hours fast that never heard SMART's time, on a link too slow for the
    // first answer to tell it
    const skew = 7 * HOUR;
    phoneAt(MONDAY_7, skew);
    await captureOffline();
    phoneAt(MONDAY_7 + 2 * HOUR + 500, skew);
    signalBack();
    const server = smart(skew, ["/v1/health"]);
    // WHEN SMART refuses its first try as "in the future", its answer telling SMART's time
    const [done] = await flush();
    // THEN it goes again at once, dated by SMART's clock, under the same id: recorded once
    expect(server.sent.map((b) => [b.client_request_id, Date.parse(b.captured_at), b.clock_correction_s])).toEqual([
      [server.sent[0]?.client_request_id, MONDAY_7 + skew, undefined],
      [server.sent[0]?.client_request_id, MONDAY_7, -25_200],
    ]);
    expect(done?.outcome).toBe("recorded");
    expect(await waiting()).toEqual([]);
  });

  it("refused as ahead on a link too slow for the refusal to tell the time asks SMART's time, and goes again", async () => {
    // GIVEN a phone an hour slow when SMART's time was last measured, set right by the network since: its capture
    // is dated by the old offset, an hour ahead
    phoneAt(MONDAY_7 - HOUR, -HOUR);
    remember(HOUR);
    phoneAt(MONDAY_7, 0);
    await captureOffline();
    signalBack();
    // WHEN SMART refuses it as "in the future" on a link whose upload takes 11 s (its answer tells no time)
    const server = smart(0, ["/v1/attendance"]);
    const [done] = await flush();
    // THEN a small request tells SMART's time, and the capture goes again at the phone's own time: recorded
    expect(server.asked).toContain("/v1/health");
    expect(server.sent.map((b) => Date.parse(b.captured_at))).toEqual([MONDAY_7 + HOUR, MONDAY_7]);
    expect(done?.outcome).toBe("recorded");
  });

  it("truly ahead of SMART's clock (the phone set an hour ahead, then right) is refused once, not sent again and again", async () => {
    phoneAt(MONDAY_7, HOUR);
    await captureOffline();
    phoneAt(MONDAY_7 + 10 * MINUTE, 0);
    signalBack();
    const server = smart(0);
    const [done] = await flush();
    expect(done?.outcome).toBe("refused");
    expect(done?.message).toContain("Jam ponsel tidak tepat");
    expect(server.sent).toHaveLength(1);
    await flush();
    expect(server.sent).toHaveLength(1);
  });
});

describe("a run of the outbox", () => {
  it("never sends a capture under the session of a colleague who signed in while it ran", async () => {
    // GIVEN A's check-in and check-out kept on a phone two colleagues share
    phoneAt(MONDAY_7, 0);
    remember(0);
    await captureOffline("in");
    phoneAt(MONDAY_7 + 9 * HOUR, 0);
    await captureOffline("out");
    signalBack();
    // WHEN A signs out and B signs in while the first is on its way
    const tokens: (string | undefined)[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit) => {
        if (url === "/v1/health") return new Response(JSON.stringify({ status: "ok" }), { status: 200 });
        tokens.push((init.headers as Record<string, string>)["Authorization"]);
        const body = JSON.parse(String(init.body)) as CheckinBody;
        localStorage.setItem("smart.token", "token-b");
        localStorage.setItem("smart.nip", "198502022010011002");
        return new Response(JSON.stringify({ event_id: "e", status: "review", type: body.type, attendance_time: body.captured_at, late_minutes: 0, category: null, warnings: [] }), { status: 201 });
      }),
    );
    const done = await flush();
    // THEN only the first went out, under A's session; A's check-out waits for A, unsent under B's
    expect(tokens).toEqual(["Bearer token"]);
    expect(done.map((d) => d.type)).toEqual(["in"]);
    expect(await waiting()).toEqual([]); // B's list: none of A's
    localStorage.setItem("smart.token", "token");
    localStorage.setItem("smart.nip", NIP);
    expect((await waiting()).map((w) => w.body.type)).toEqual(["out"]);
  });
});

describe("captures waiting on a phone whose session ended", () => {
  it("are counted for the login screen, with the NIP they were taken under", async () => {
    // GIVEN A's check-in kept without signal, then A's session ended (expired, or a password changed elsewhere)
    phoneAt(MONDAY_7, 0);
    await captureOffline("in");
    localStorage.removeItem("smart.token");
    localStorage.removeItem("smart.nip");
    // THEN nobody's list holds it, but the phone says one waits, and whose it is
    expect(await waiting()).toEqual([]);
    expect(await waitingOnPhone()).toEqual({ count: 1, nip: NIP });
  });

  it("are given up a day after SMART stops taking them: not counted, no NIP filled in, their selfie and place gone", async () => {
    // GIVEN A's check-in kept without signal on Monday under the regency's limit of 72 hours (A's profile read), then
    // A's session ended and the phone was handed on
    localStorage.setItem("smart.profile", JSON.stringify({ nip: NIP, offline_max_age_h: 72 }));
    phoneAt(MONDAY_7, 0);
    remember(0);
    await captureOffline("in");
    localStorage.removeItem("smart.token");
    localStorage.removeItem("smart.nip");
    localStorage.removeItem("smart.profile");
    // WHEN the login screen opens 95 hours later (a day past the limit not yet over): A's capture is still named
    phoneAt(MONDAY_7 + 95 * HOUR, 0);
    expect(await waitingOnPhone()).toEqual({ count: 1, nip: NIP });
    // ... and 97 hours later, THEN it is no longer counted, nor its NIP filled in for the new owner
    phoneAt(MONDAY_7 + 97 * HOUR, 0);
    expect(await waitingOnPhone()).toEqual({ count: 0, nip: null });
    // AND the phone no longer holds its selfie or place: only what Home tells A if A signs in here again
    const [left] = [...kept.values()] as Record<string, unknown>[];
    expect(JSON.stringify(left)).not.toMatch(/foto|latitude/);
    localStorage.setItem("smart.token", "token");
    localStorage.setItem("smart.nip", NIP);
    expect((await refusals()).map((r) => r.refusal.message)).toEqual([keptTooLong(72)]);
  });

  it("kept under a longer limit of the regency's, or one the phone did not know, are not given up at its default", async () => {
    // GIVEN one capture kept under a limit of a week, and one kept before any profile told the limit
    localStorage.setItem("smart.profile", JSON.stringify({ nip: NIP, offline_max_age_h: 168 }));
    phoneAt(MONDAY_7, 0);
    remember(0);
    await captureOffline("in");
    localStorage.removeItem("smart.profile");
    await captureOffline("out");
    localStorage.removeItem("smart.token");
    // WHEN the login screen opens 6 days later, THEN both still wait for their owner
    phoneAt(MONDAY_7 + 6 * 24 * HOUR, 0);
    expect(await waitingOnPhone()).toEqual({ count: 2, nip: NIP });
  });

  it("taken by two people name no one", async () => {
    phoneAt(MONDAY_7, 0);
    await captureOffline("in");
    localStorage.setItem("smart.nip", "198502022010011002");
    await captureOffline("in");
    expect(await waitingOnPhone()).toEqual({ count: 2, nip: null });
  });
});

/** SMART at the 07:00 rush: answers 503 UNAVAILABLE (with `Retry-After: retryAfter` when given) until `room()`
 * says it has room, then records; returns the ids POSTed, in order. */
function busySmart(retryAfter: number | null, room: () => boolean): string[] {
  const sent: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      const headers = { "Content-Type": "application/json", Date: new Date().toUTCString() };
      if (url === "/v1/health") return new Response(JSON.stringify({ status: "ok" }), { status: 200, headers });
      const body = JSON.parse(String(init.body)) as CheckinBody;
      sent.push(body.client_request_id);
      if (!room()) {
        const busy = { error: { code: "UNAVAILABLE", message: "Layanan sedang tidak tersedia. Coba lagi beberapa saat lagi.", details: {} } };
        return new Response(JSON.stringify(busy), { status: 503, headers: retryAfter === null ? headers : { ...headers, "Retry-After": String(retryAfter) } });
      }
      return new Response(JSON.stringify({ event_id: "e", status: "review", type: body.type, attendance_time: body.captured_at, late_minutes: 0, category: null, warnings: [] }), { status: 201, headers });
    }),
  );
  return sent;
}

describe("a waiting capture SMART is too busy to take at 07:00", () => {
  it("waits at least as long as SMART's Retry-After says before it goes again, with the same id", async () => {
    // GIVEN a capture kept without signal at 06:58, and SMART answering 503 with `Retry-After: 30` when it returns
    phoneAt(MONDAY_7 - 2 * MINUTE, 0);
    remember(0);
    await captureOffline();
    phoneAt(MONDAY_7, 0);
    signalBack();
    let room = false;
    const sent = busySmart(30, () => room);
    expect(await flush()).toEqual([]);
    // WHEN the app tries again before those 30 s are over (Home opened again, the app back on screen, its timer)
    phoneAt(MONDAY_7 + 20_000, 0);
    expect(await flush()).toEqual([]);
    phoneAt(MONDAY_7 + 29_000, 0);
    await flush();
    // THEN nothing more went to SMART meanwhile
    expect(sent).toHaveLength(1);
    // AND once the wait (and its random part) is over, it goes with the same id and is recorded once
    room = true;
    phoneAt(MONDAY_7 + 2 * MINUTE, 0);
    const [done] = await flush();
    expect(done?.outcome).toBe("recorded");
    expect(sent).toEqual([sent[0], sent[0]]);
    expect(await waiting()).toEqual([]);
  });

  it("told no wait (a 503 without Retry-After) waits longer after each failure, at most a few minutes", async () => {
    // GIVEN a capture waiting, SMART down for a while, and this phone's random part of each wait at its largest
    phoneAt(MONDAY_7 - 2 * MINUTE, 0);
    remember(0);
    await captureOffline();
    signalBack();
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const sent = busySmart(null, () => false);
    // WHEN the app tries every few seconds (each time the employee comes back to it) for an hour
    let at = MONDAY_7;
    const tries: number[] = [];
    for (; at < MONDAY_7 + 60 * MINUTE; at += 5_000) {
      phoneAt(at, 0);
      const before = sent.length;
      await flush();
      if (sent.length > before) tries.push(at - MONDAY_7);
    }
    // THEN the gaps between the tries grow (doubling), so SMART is not asked every few seconds by every phone ...
    const gaps = tries.slice(1).map((t, i) => t - (tries[i] ?? 0));
    expect(gaps.slice(0, 4).every((gap, i) => i === 0 || gap > (gaps[i - 1] ?? 0))).toBe(true);
    expect(tries.length).toBeLessThan(30);
    // ... but never more than 5 minutes apart: the capture still goes out soon after SMART is back
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5 * MINUTE + 5_000);
  });
});

/** A capture kept without signal at 07:00 on a phone whose timers the test moves (the app open on the screen). */
async function keptWithTimers(): Promise<void> {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  phoneAt(MONDAY_7, 0);
  remember(0);
  await captureOffline();
  vi.stubGlobal("document", Object.assign(new EventTarget(), { visibilityState: "visible" }));
}

describe("the signal coming back to a whole town at once", () => {
  it("does not send every phone's captures in the same instant: each waits its own random part of ten seconds", async () => {
    // GIVEN a capture kept without signal (a mast down at 06:50), the app open
    await keptWithTimers();
    const server = smart(0);
    startOutbox();
    await vi.advanceTimersByTimeAsync(0); // its first run, offline, is over
    // WHEN the mast comes back: every phone in town gets the `online` event in the same second (this one drawing
    // 0.6 of the spread)
    vi.spyOn(Math, "random").mockReturnValue(0.6);
    signalBack();
    window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(1_000);
    // THEN it has not sent yet ...
    expect(server.sent).toHaveLength(0);
    // ... and has, recorded, within the spread
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.sent).toHaveLength(1);
    expect(await waiting()).toEqual([]);
  });
});

describe("a wait the app was reloaded in", () => {
  it("still ends in a send when it is over, not only at the minute's timer", async () => {
    // GIVEN a capture waiting, and SMART's busy answer asking 5 s (kept on the phone), then the app reloaded
    await keptWithTimers();
    signalBack();
    vi.spyOn(Math, "random").mockReturnValue(0);
    failed(new ApiError(503, "UNAVAILABLE", "sibuk", {}, 5), Date.now());
    const server = smart(0);
    startOutbox();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.sent).toHaveLength(0);
    // WHEN the 5 s are over, THEN it goes out, well before the minute's timer
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.sent).toHaveLength(1);
    expect(await waiting()).toEqual([]);
  });
});

describe("a waiting capture of an account SMART holds inactive for now", () => {
  it("stays on the phone and is not uploaded again every minute: the next try waits a quarter of an hour", async () => {
    // GIVEN a capture kept without signal, the app open, and SMART answering 403 ACCOUNT_INACTIVE (a deactivation
    // SIMPEG may take back the same day)
    await keptWithTimers();
    signalBack();
    const sent: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        sent.push((JSON.parse(String(init.body)) as CheckinBody).client_request_id);
        const error = { code: "ACCOUNT_INACTIVE", message: "Akun Anda tidak aktif. Hubungi BKPSDM bila ini keliru.", details: {} };
        return new Response(JSON.stringify({ error }), { status: 403, headers: { "Content-Type": "application/json" } });
      }),
    );
    startOutbox();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    // WHEN the minute's timer comes, the employee opens Home again and comes back to the app
    await vi.advanceTimersByTimeAsync(60_000);
    await flush();
    document.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    // THEN the selfie is not uploaded again, and the capture still waits
    expect(sent).toHaveLength(1);
    expect(await waiting()).toHaveLength(1);
    // ... until the quarter of an hour is over: then it goes again, with the same id
    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    expect(sent).toEqual([sent[0], sent[0]]);
  });
});
