// The GPS fix a check-in may use (geo.ts): only a young one, and a fresh one asked for when the phone goes quiet
// (a browser need not fire watchPosition again for a phone lying still). Node has no geolocation: a stand-in
// that delivers what the test says, on fake timers (Date.now() included).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Fix, FIX_AGAIN_MS, FIX_CHECK_MS, FIX_MAX_AGE_MS, followFix, type GeoProblem, isFresh, staleText } from "./geo";

/** A phone's geolocation: `deliver` gives a position (its own timestamp `stamp`) to the watch running, `fail` an
 * error (its code), `started` holds the options of each watch started, `running` how many run. */
function stubGeolocation() {
  const watches = new Map<number, { ok: PositionCallback; fail: PositionErrorCallback }>();
  const started: PositionOptions[] = [];
  vi.stubGlobal("navigator", {
    geolocation: {
      watchPosition: (ok: PositionCallback, fail: PositionErrorCallback, options: PositionOptions) => {
        started.push(options);
        watches.set(started.length, { ok, fail });
        return started.length;
      },
      clearWatch: (id: number) => watches.delete(id),
    },
  });
  const deliver = (latitude: number, stamp: number = Date.now()): void => {
    const pos = { coords: { latitude, longitude: 107.6, accuracy: 12 }, timestamp: stamp } as unknown as GeolocationPosition;
    for (const { ok } of watches.values()) ok(pos);
  };
  const fail = (code: number): void => {
    const err = { code, PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 } as GeolocationPositionError;
    for (const watch of watches.values()) watch.fail(err);
  };
  return { deliver, fail, started, running: () => watches.size };
}

const [UNAVAILABLE, TIMEOUT] = [2, 3];

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-12-05T00:10:00Z"));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a GPS fix", () => {
  const fix = (at: number): Fix => ({ latitude: -6.9, longitude: 107.6, accuracy_m: 12, at });

  it("is used for two minutes after it came, and then says how old it is", () => {
    const now = Date.now();
    expect(isFresh(fix(now - FIX_MAX_AGE_MS), now)).toBe(true);
    expect(isFresh(fix(now - FIX_MAX_AGE_MS - 1), now)).toBe(false);
    expect(staleText(fix(now - 7 * 60_000 - 5_000), now)).toBe("Lokasi GPS terakhir sudah 7 menit lalu. Menunggu lokasi baru…");
  });

  it("received after the phone's clock was set back is not trusted either", () => {
    const now = Date.now();
    expect(isFresh(fix(now + 10 * 60_000), now)).toBe(false);
  });

  it("is dated when the phone received it, not by the position's own clock (which may not be the phone's)", () => {
    const geo = stubGeolocation();
    const got: Fix[] = [];
    const stop = followFix((f) => got.push(f), () => undefined);
    geo.deliver(-6.9, Date.now() - 10 * 60_000); // a phone whose clock runs 10 minutes fast
    expect(got.map((f) => [f.at, isFresh(f)])).toEqual([[Date.now(), true]]);
    stop();
  });
});

describe("a phone whose GPS goes quiet", () => {
  it("starts the watch again, none from the cache, once the last fix has aged, and then every 30 s", async () => {
    const geo = stubGeolocation();
    const got: Fix[] = [];
    const stop = followFix((f) => got.push(f), () => undefined);
    await vi.advanceTimersByTimeAsync(FIX_AGAIN_MS * 3);
    expect(geo.started).toHaveLength(1); // no first fix yet: the watch is still searching
    const stamp = Date.now();
    geo.deliver(-6.9, stamp);
    await vi.advanceTimersByTimeAsync(FIX_MAX_AGE_MS);
    expect(geo.started).toHaveLength(1); // still young
    await vi.advanceTimersByTimeAsync(FIX_CHECK_MS);
    expect(geo.started.map((o) => o.maximumAge)).toEqual([10_000, 0]);
    expect(geo.running()).toBe(1);
    // the same position handed again (a browser's cached one) is not a new fix
    geo.deliver(-6.9, stamp);
    expect(got).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(FIX_AGAIN_MS - FIX_CHECK_MS);
    expect(geo.started).toHaveLength(2); // a GPS searching from cold is given its time
    await vi.advanceTimersByTimeAsync(FIX_CHECK_MS);
    expect(geo.started).toHaveLength(3);
    geo.deliver(-6.8);
    expect(got.map((f) => [f.latitude, isFresh(f)])).toEqual([
      [-6.9, false],
      [-6.8, true],
    ]);
    await vi.advanceTimersByTimeAsync(FIX_MAX_AGE_MS - FIX_CHECK_MS);
    expect(geo.started).toHaveLength(3); // the new fix is young
    stop();
    expect(geo.running()).toBe(0);
    await vi.advanceTimersByTimeAsync(FIX_MAX_AGE_MS * 2);
    expect(geo.started).toHaveLength(3); // the screen left: nothing started any more
  });

  it("says the search timed out only until a first fix: then the screen says the fix's age and that it waits", async () => {
    const geo = stubGeolocation();
    const told: GeoProblem[] = [];
    const stop = followFix(() => undefined, (p) => told.push(p));
    geo.fail(TIMEOUT); // no first fix in 30 s
    expect(told).toEqual(["timeout"]);
    geo.deliver(-6.9);
    await vi.advanceTimersByTimeAsync(FIX_MAX_AGE_MS + FIX_CHECK_MS);
    expect(geo.started).toHaveLength(2);
    // a watch started again has no time limit of its own racing the next start ...
    expect(geo.started[1]?.timeout ?? Infinity).toBeGreaterThan(FIX_AGAIN_MS + FIX_CHECK_MS);
    // ... and a time-out of any watch, the fix aged, is not told
    geo.fail(TIMEOUT);
    await vi.advanceTimersByTimeAsync(FIX_AGAIN_MS);
    geo.fail(TIMEOUT);
    expect(told).toEqual(["timeout"]);
    // a GPS turned off is
    geo.fail(UNAVAILABLE);
    expect(told).toEqual(["timeout", "unavailable"]);
    stop();
  });

  it("started again by the employee (Coba Lagi) with an aged fix on screen keeps waiting beside it", async () => {
    const geo = stubGeolocation();
    const told: GeoProblem[] = [];
    const aged: Fix = { latitude: -6.9, longitude: 107.6, accuracy_m: 12, at: Date.now() - FIX_MAX_AGE_MS - 1 };
    const stop = followFix(() => undefined, (p) => told.push(p), aged);
    geo.fail(TIMEOUT); // the new watch's first search times out: the screen already says the fix's age
    expect(told).toEqual([]);
    await vi.advanceTimersByTimeAsync(FIX_AGAIN_MS + FIX_CHECK_MS);
    expect(geo.started.map((o) => o.maximumAge)).toEqual([10_000, 0]); // and it is asked again, none cached
    stop();
  });
});
