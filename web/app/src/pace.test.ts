// How long the outbox waits after SMART was busy or silent (pace.ts): a window that doubles with each failure,
// capped, SMART's Retry-After a floor under it, each phone a random part of it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, NETWORK_ERROR } from "../../shared/api";
import { backoffMs, failed, FIRST_WINDOW_MS, MAX_RETRY_AFTER_S, MAX_WINDOW_MS, waitLeft } from "./pace";
import { stubStorage } from "./teststorage";

afterEach(() => {
  vi.unstubAllGlobals();
});

const most = (): number => 0.999999;
const least = (): number => 0;

describe("the wait after a failure", () => {
  it("doubles its window with each failure in a row, up to the cap", () => {
    const windows = [1, 2, 3, 4, 10, 40].map((n) => Math.ceil(backoffMs(n, null, most) / 1000) * 1000);
    expect(windows).toEqual([FIRST_WINDOW_MS, 2 * FIRST_WINDOW_MS, 4 * FIRST_WINDOW_MS, 8 * FIRST_WINDOW_MS, MAX_WINDOW_MS, MAX_WINDOW_MS]);
  });

  it("is never shorter than SMART's Retry-After, and phones told the same wait do not come back together", () => {
    expect(backoffMs(1, 30, least)).toBe(30_000);
    expect(backoffMs(1, 30, most)).toBeLessThan(30_000 + FIRST_WINDOW_MS);
    expect(backoffMs(1, 30, () => 0.2)).not.toBe(backoffMs(1, 30, () => 0.7));
  });
});

describe("a wait kept on the phone", () => {
  it("follows no Retry-After beyond a lockout's 15 minutes, and ends when the phone's clock is set back", () => {
    stubStorage();
    const now = Date.parse("2026-12-07T00:00:00Z");
    const busy = new ApiError(503, "UNAVAILABLE", "sibuk", {}, 86_400);
    const wait = failed(busy, now);
    expect(wait).toBeGreaterThanOrEqual(MAX_RETRY_AFTER_S * 1000);
    expect(wait).toBeLessThan(MAX_RETRY_AFTER_S * 1000 + FIRST_WINDOW_MS);
    expect(waitLeft(now + 1_000)).toBe(wait - 1_000);
    // the phone's clock set back an hour (by hand, or by the network after a wrong setting)
    expect(waitLeft(now - 3_600_000)).toBe(0);
  });
});

describe("a phone whose own link fails", () => {
  it("tries again within seconds however often the link dropped, and SMART's busy answers still double the wait", () => {
    // GIVEN a teacher at a rural school whose weak signal drops every try for an hour (no answer from SMART at all)
    stubStorage();
    const now = Date.parse("2026-12-07T00:00:00Z");
    const dropped = new ApiError(0, NETWORK_ERROR, "tanpa sinyal");
    const waits = Array.from({ length: 40 }, (_, i) => failed(dropped, now + i * 60_000));
    // THEN each next try waits at most the first window: when signal comes for a moment, the capture goes out in it
    expect(Math.max(...waits)).toBeLessThan(FIRST_WINDOW_MS);
    // AND when SMART itself answers busy, the waits grow from there as they do for any phone
    const busy = new ApiError(503, "UNAVAILABLE", "sibuk");
    const first = Math.ceil(backoffMs(1, null, most) / 1000) * 1000;
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    expect(failed(busy, now)).toBeLessThanOrEqual(first);
    expect(failed(busy, now)).toBeGreaterThan(first);
    vi.restoreAllMocks();
  });
});
