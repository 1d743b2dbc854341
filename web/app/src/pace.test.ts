// How long the outbox waits after SMART was busy or silent (pace.ts): a window that doubles with each failure,
// capped, SMART's Retry-After a floor under it, each phone a random part of it.
import { describe, expect, it } from "vitest";
import { backoffMs, FIRST_WINDOW_MS, MAX_WINDOW_MS } from "./pace";

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
