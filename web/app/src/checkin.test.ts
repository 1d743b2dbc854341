// A check-in from the tap to what the phone keeps (checkin.ts with outbox.ts): kept in the outbox before it is
// sent and forgotten once answered, never sent by the outbox while the check-in screen sends it, sent the offline
// way when the challenge does not come within seconds, dated by SMART's clock. IndexedDB (idb-keyval) and the
// camera are stand-ins here (Node has neither); the network is a stubbed fetch.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const kept = new Map<string, unknown>();
/** What IndexedDB throws at every write while set (null: it keeps them), as browsers do. */
let refusal: DOMException | null = null;
/** The phone's storage full. */
const QUOTA = new DOMException("The quota has been exceeded.", "QuotaExceededError");
vi.mock("idb-keyval", () => ({
  createStore: () => "store",
  get: async (key: string) => kept.get(key),
  set: async (key: string, value: unknown) => {
    if (refusal) throw refusal;
    kept.set(key, structuredClone(value));
  },
  del: async (key: string) => void kept.delete(key),
  entries: async () => [...kept.entries()],
}));
/** What the camera stand-in did, in order: each picture taken ("foto <px>") and each wait ("tunggu <ms>"). */
const steps = vi.hoisted((): string[] => []);
// The camera as Node can have it: the real module's sizes, a photo that is the string "foto", waits of none.
vi.mock("./camera", async (actual: () => Promise<object>) => ({
  ...(await actual()),
  grab: (_video: unknown, px: number) => (steps.push(`foto ${String(px)}`), "foto"),
  sleep: async (ms: number) => void steps.push(`tunggu ${String(ms)}`),
}));

const { AgedFix, CHALLENGE_TIMEOUT_MS, checkIn, errorShown } = await import("./checkin");
const { gpsMayBeOff } = await import("./answers");
const { flush, sentBody } = await import("./outbox");
const { remember } = await import("./servertime");
const { MAX_WINDOW_MS } = await import("./pace");
import { UserMessage } from "../../shared/api";
import { type Fix, FIX_MAX_AGE_MS } from "./geo";
import type { Waiting } from "./outbox";
import type { CheckinBody } from "./types";
import { stubStorage } from "./teststorage";

const FIX = { latitude: -6.9, longitude: 107.6, accuracy_m: 12 };
const CHALLENGE = { challenge_id: "c-1", issued_at: "2026-12-05T00:10:00Z", expires_at: "2026-12-05T00:12:00Z", liveness: null };
const RECORDED = { event_id: "e-1", status: "accepted", type: "in", attendance_time: "2026-12-05T00:10:00Z", late_minutes: 0, category: null, warnings: [] };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** A fetch that never answers, but gives up as a real one does when its request is aborted (a time limit). */
function noAnswer(_url: string, init: RequestInit): Promise<Response> {
  return new Promise((_resolve, reject) => {
    init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
}

type Route = (init: RequestInit) => Promise<Response>;

/** Stubs fetch by path; returns the bodies POSTed to /v1/attendance, in order. */
function network(routes: Record<string, Route>): CheckinBody[] {
  const sent: CheckinBody[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      if (url === "/v1/attendance") sent.push(JSON.parse(String(init.body)) as CheckinBody);
      const route = routes[url];
      if (!route) throw new Error(`unexpected ${url}`);
      return route(init);
    }),
  );
  return sent;
}

/** What fetch throws when the request went nowhere (no signal, a dropped link). */
const unreachable: Route = async () => Promise.reject(new TypeError("Failed to fetch"));

/** The network of a live check-in: the challenge comes at once and the check-in itself is answered by `checkin`.
 * Returns the bodies POSTed to /v1/attendance, as `network` does. */
function live(checkin: Route): CheckinBody[] {
  return network({ "/v1/attendance/challenge": async () => json(201, CHALLENGE), "/v1/attendance": checkin });
}

const capture = (): Parameters<typeof checkIn>[0] => ({
  type: "in",
  video: {} as HTMLVideoElement,
  fix: { ...FIX, at: Date.now() }, // just received
  early: null,
  onAction: () => undefined,
});
const waitingNow = (): Waiting[] => [...kept.values()] as Waiting[];

/** The phone's clock moved past the longest wait the outbox keeps after SMART was busy or silent (pace.ts). */
function afterTheWait(): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + MAX_WINDOW_MS + 60_000);
}

beforeEach(() => {
  kept.clear();
  steps.length = 0;
  refusal = null;
  stubStorage([
    ["smart.token", "token"],
    ["smart.nip", "199001012020012001"],
  ]);
  vi.stubGlobal("window", new EventTarget());
  vi.stubGlobal("navigator", { onLine: true });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a live check-in", () => {
  it("is on the phone while it is sent, is not sent again by the outbox meanwhile, and is forgotten once answered", async () => {
    let answer: (r: Response) => void = () => undefined;
    const sent = live(() => new Promise((resolve) => (answer = resolve)));
    const outcome = checkIn(capture());
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    // the app closed now would lose nothing: the capture waits in its offline form, with the same id
    const [waiting] = waitingNow();
    expect(waiting?.id).toBe(sent[0]?.client_request_id);
    expect(waiting?.body.offline).toBe(true);
    expect(waiting?.body.challenge_id).toBeUndefined();
    // the outbox's run (signal back, a minute gone by) leaves it to the screen that sends it
    await flush();
    expect(sent).toHaveLength(1);
    answer(json(201, RECORDED));
    expect((await outcome).kind).toBe("accepted");
    expect(waitingNow()).toEqual([]);
    await flush();
    expect(sent).toHaveLength(1);
  });

  it("left unanswered waits on the phone and goes out later with the same id", async () => {
    const sent = live(unreachable);
    expect((await checkIn(capture())).kind).toBe("saved");
    expect(waitingNow()).toHaveLength(1);
    const later = network({ "/v1/attendance": async () => json(201, { ...RECORDED, status: "review" }) });
    afterTheWait();
    const [delivered] = await flush();
    expect(delivered?.outcome).toBe("recorded");
    expect(later.map((b) => [b.client_request_id, b.offline])).toEqual([[sent[0]?.client_request_id, true]]);
    expect(waitingNow()).toEqual([]);
  });

  it("turned away by the gateway's throttle at the morning peak waits on the phone and goes out later", async () => {
    // GIVEN 07:00, the API stage over its request rate: API Gateway answers 429 before SMART looks at the capture
    const busy = { error: { code: "RATE_LIMITED", message: "Terlalu banyak percobaan.", details: {} } };
    const sent = live(async () => json(429, busy));
    // WHEN the teacher checks in live THEN the capture is kept with its moment, not dropped to be taken again late
    expect((await checkIn(capture())).kind).toBe("saved");
    expect(waitingNow().map((w) => w.id)).toEqual([sent[0]?.client_request_id]);
    // AND it is not sent again into the same crowd the moment Home opens ...
    const later = network({ "/v1/attendance": async () => json(201, RECORDED) });
    expect(await flush()).toEqual([]);
    expect(later).toEqual([]);
    // ... but goes out once the wait is over, with the same id
    afterTheWait();
    expect((await flush())[0]?.outcome).toBe("recorded");
    expect(later.map((b) => b.client_request_id)).toEqual([sent[0]?.client_request_id]);
  });

  it("whose challenge the gateway's throttle turned away is kept on the phone at once", async () => {
    const busy = { error: { code: "RATE_LIMITED", message: "Terlalu banyak percobaan.", details: {} } };
    const sent = network({ "/v1/attendance/challenge": async () => json(429, busy) });
    expect((await checkIn(capture())).kind).toBe("saved");
    expect(sent).toEqual([]);
    expect(waitingNow()).toHaveLength(1);
  });

  it("refused by SMART is shown, not kept", async () => {
    const refusal = { error: { code: "OUTSIDE_ZONE", message: "Anda berada di luar area kerja.", details: {} } };
    live(async () => json(400, refusal));
    expect((await checkIn(capture())).kind).toBe("refused");
    expect(waitingNow()).toEqual([]);
  });

  it("refused outside the zone by a fix whose accuracy reaches the zone says the GPS may be off, and what to do", async () => {
    // GIVEN a teacher in a classroom whose fix is ±80 m (indoors, the GPS still settling) and drifted 40 m out
    const details = { zones: 1, nearest_zone: "SDN 1 Lembang", distance_m: 40 };
    live(async () => json(422, { error: { code: "OUTSIDE_ZONE", message: "Anda berada di luar area kerja.", details } }));
    // WHEN SMART refuses the check-in as outside the zone
    const outcome = await checkIn({ ...capture(), fix: { ...FIX, accuracy_m: 80, at: Date.now() } });
    // THEN the next step does not leave her to think she must be elsewhere (or ask for field duty): the GPS may
    // be off by that much, so she waits for a better fix in the open and tries again
    expect(outcome.kind === "refused" && outcome.next).toBe(
      "Posisi Anda sekitar 40 m dari batas zona SDN 1 Lembang. " + gpsMayBeOff(80),
    );
  });

  it("goes the offline way when the challenge does not come within seconds (a link that carries nothing)", async () => {
    vi.useFakeTimers();
    const sent = network({ "/v1/attendance/challenge": (init) => noAnswer("", init) });
    let done = false;
    const outcome = checkIn(capture()).finally(() => (done = true));
    await vi.advanceTimersByTimeAsync(CHALLENGE_TIMEOUT_MS - 100);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect((await outcome).kind).toBe("saved");
    expect(sent).toEqual([]);
    expect(waitingNow()).toHaveLength(1);
  });
});

describe("a check-in asking a head turn", () => {
  it("takes the selfie once the guide has asked the face back to the camera and given it time, not mid-turn", async () => {
    // GIVEN a challenge asking to turn the head to the left, with 5 frames
    const turn = { ...CHALLENGE, liveness: { action: "turn_left", frames: 5 } };
    network({ "/v1/attendance/challenge": async () => json(201, turn), "/v1/attendance": async () => json(201, RECORDED) });
    // WHEN the teacher taps and follows the guide
    const outcome = await checkIn({ ...capture(), onAction: (text) => void steps.push(`panduan ${String(text)}`) });
    // THEN the frames are taken while she turns, then the guide asks her to look straight at the camera, and the
    // selfie (the picture SMART compares with her frontal enrolment photos) is taken only after a moment for it
    expect(outcome.kind).toBe("accepted");
    const frame = ["tunggu 320", "foto 240"];
    expect(steps).toEqual([
      "panduan Tolehkan kepala ke kiri",
      ...frame, ...frame, ...frame, ...frame, ...frame,
      "panduan Lihat lurus ke kamera",
      "tunggu 700",
      "foto 640",
      "panduan null",
    ]);
  });
});

describe("a capture's place", () => {
  it("is never one the GPS gave minutes ago: nothing is sent or kept, online or not", async () => {
    const sent = live(async () => json(201, RECORDED));
    const aged = { ...capture(), fix: { ...FIX, at: Date.now() - FIX_MAX_AGE_MS - 1_000 } };
    await expect(checkIn(aged)).rejects.toThrow("Lokasi GPS terakhir sudah 2 menit lalu. Menunggu lokasi baru…");
    await expect(checkIn(aged)).rejects.toThrow(AgedFix);
    vi.stubGlobal("navigator", { onLine: false });
    await expect(checkIn(aged)).rejects.toThrow(UserMessage);
    expect(sent).toEqual([]);
    expect(waitingNow()).toEqual([]);
  });
});

describe("a phone whose storage is full", () => {
  const FULL = "Penyimpanan ponsel penuh; absen tidak tersimpan. Hapus foto atau video lama, lalu coba lagi.";

  it("says so when a capture taken without signal cannot be kept, not 'Terjadi kesalahan'", async () => {
    // GIVEN a phone whose storage is full, without signal
    refusal = QUOTA;
    vi.stubGlobal("navigator", { onLine: false });
    // WHEN the teacher taps "Ambil Foto dan Kirim"
    const tap = checkIn(capture());
    // THEN the screen says the phone's storage is full and what to do: nothing was kept
    await expect(tap).rejects.toThrow(UserMessage);
    await expect(checkIn(capture())).rejects.toThrow(FULL);
    expect(waitingNow()).toEqual([]);
  });

  it("says so when a live check-in left unanswered cannot be kept for later", async () => {
    refusal = QUOTA;
    live(unreachable);
    await expect(checkIn(capture())).rejects.toThrow(FULL);
    expect(waitingNow()).toEqual([]);
  });

  it("does not stand in the way of a live check-in SMART answers", async () => {
    refusal = QUOTA;
    live(async () => json(201, RECORDED));
    expect((await checkIn(capture())).kind).toBe("accepted");
  });
});

describe("a phone whose storage cannot be opened (not for want of room)", () => {
  const NOT_KEPT = "Absen tidak dapat disimpan di ponsel ini, jadi belum tercatat. Ulangi absen saat ada sinyal.";

  it("says the capture taken without signal was not kept, and to check in again with signal, not 'Terjadi kesalahan'", async () => {
    vi.stubGlobal("navigator", { onLine: false });
    for (const failure of [
      new DOMException("Internal error opening backing store for indexedDB.open.", "UnknownError"), // Chrome
      new DOMException("A mutation operation was attempted on a database that did not allow mutations.", "InvalidStateError"), // private tab
    ]) {
      // GIVEN IndexedDB failing on this phone, WHEN the teacher taps without signal
      refusal = failure;
      const tap = checkIn(capture());
      // THEN the screen says nothing was kept on the phone and what to do
      await expect(tap).rejects.toThrow(UserMessage);
      await expect(checkIn(capture())).rejects.toThrow(NOT_KEPT);
    }
    expect(waitingNow()).toEqual([]);
  });

  it("says so when a live check-in left unanswered cannot be kept for later", async () => {
    refusal = new DOMException("Internal error opening backing store for indexedDB.open.", "UnknownError");
    live(unreachable);
    await expect(checkIn(capture())).rejects.toThrow(NOT_KEPT);
  });
});

describe("the check-in screen's error line", () => {
  const fix = (): Fix => ({ ...FIX, at: Date.now() - FIX_MAX_AGE_MS - 1_000 });

  it("says a tap's fix had aged only until a newer fix comes (the button is back then)", () => {
    const aged = fix();
    const refusal = new AgedFix(aged);
    expect(errorShown(refusal, aged)).toBe("Lokasi GPS terakhir sudah 2 menit lalu. Menunggu lokasi baru…");
    expect(errorShown(refusal, { ...FIX, at: Date.now() })).toBeNull();
  });

  it("keeps any other refusal until the next tap, whatever the GPS does", () => {
    const face = new UserMessage("Wajah tidak cocok dengan data pegawai.");
    expect(errorShown(face, { ...FIX, at: Date.now() })).toBe("Wajah tidak cocok dengan data pegawai.");
    expect(errorShown(new Error("network"), { ...FIX, at: Date.now() })).toBe("Terjadi kesalahan. Coba lagi.");
    expect(errorShown(null, fix())).toBeNull();
  });
});

describe("a capture's time", () => {
  it("is SMART's on a phone whose clock runs 10 minutes fast", async () => {
    remember(-600_000); // measured on the last answer
    vi.stubGlobal("navigator", { onLine: false });
    const before = Date.now();
    expect((await checkIn(capture())).kind).toBe("saved");
    const [waiting] = waitingNow();
    const dated = Date.parse(waiting?.body.captured_at ?? "");
    expect(dated).toBeGreaterThanOrEqual(before - 600_000);
    expect(dated).toBeLessThan(Date.now() - 599_000);
    expect(waiting?.correction).toBe(-600_000);
  });

  it("kept before any offset was known is dated by the one known when it is sent, once", async () => {
    vi.stubGlobal("navigator", { onLine: false });
    await checkIn(capture());
    const [waiting] = waitingNow();
    expect(waiting?.correction).toBeUndefined();
    const taken = Date.parse(waiting?.body.captured_at ?? "");
    remember(-600_000);
    vi.stubGlobal("navigator", { onLine: true });
    const sent = network({ "/v1/attendance": unreachable });
    await flush();
    afterTheWait();
    await flush();
    expect(sent.map((b) => Date.parse(b.captured_at))).toEqual([taken - 600_000, taken - 600_000]);
    // ... and says so, the same on every try, for the reviewer beside the time
    expect(sent.map((b) => b.clock_correction_s)).toEqual([-600, -600]);
  });

  it("is not taken on a phone whose clock went back before SMART's last answer (reset after a flat battery)", async () => {
    // GIVEN a phone that heard SMART's time yesterday evening, its clock right then
    const morning = Date.parse("2026-12-07T00:00:00Z"); // 07:00 in Jakarta
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(morning - 12 * 3_600_000);
    remember(0);
    // WHEN its battery died overnight and its clock starts again at 1 January 2025, at a school without signal
    vi.setSystemTime(Date.parse("2025-01-01T00:05:00Z"));
    vi.stubGlobal("navigator", { onLine: false });
    // THEN the capture is refused at once, saying the phone's clock is wrong, and nothing waits to be refused
    // days later as "kept too long"
    const refusal = checkIn(capture());
    await expect(refusal).rejects.toThrow(UserMessage);
    await expect(checkIn(capture())).rejects.toThrow(/^Jam ponsel tidak tepat: tanggal atau jam di ponsel lebih awal/);
    expect(waitingNow()).toEqual([]);
    // ... and once its clock is set right by hand, the capture is kept
    vi.setSystemTime(morning + 10 * 60_000);
    expect((await checkIn(capture())).kind).toBe("saved");
  });

  it("is not moved by an offset measured before the phone's clock was set back right (set to automatic)", async () => {
    // GIVEN a phone 3 hours fast when SMART last answered, at 06:00
    const six = Date.parse("2026-12-06T23:00:00Z");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(six + 3 * 3_600_000);
    remember(-3 * 3_600_000);
    // WHEN its clock is set right at 06:30, and a capture is taken without signal at 07:00
    vi.setSystemTime(six + 3_600_000);
    vi.stubGlobal("navigator", { onLine: false });
    expect((await checkIn(capture())).kind).toBe("saved");
    // THEN it is dated by the phone's clock (right now), not 3 hours back; SMART's time dates it when it is sent
    const [waiting] = waitingNow();
    expect([waiting?.body.captured_at, waiting?.correction]).toEqual([new Date(six + 3_600_000).toISOString(), undefined]);
  });

  it("dated by the phone's own clock (right, or no offset known) says nothing of a correction", () => {
    const body = { type: "in", client_request_id: "c", captured_at: "2026-12-05T00:20:00Z" } as CheckinBody;
    expect(sentBody({ id: "c", body, saved_at: "", correction: 0 })).toBe(body);
    expect(sentBody({ id: "c", body, saved_at: "" })).toBe(body);
    expect(sentBody({ id: "c", body, saved_at: "", correction: 90_400 }).clock_correction_s).toBe(90);
  });
});
