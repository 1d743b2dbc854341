// The date a live screen ("Pemantauan") shows (live.ts): today's, following the clock past midnight, or the one picked.
import { describe, expect, it } from "vitest";
import { pickedDay, shownDay } from "./live";

describe("a live screen's date", () => {
  it("is today's while none is picked, and moves on with the clock", () => {
    expect(shownDay("", "2026-12-07")).toBe("2026-12-07");
    expect(shownDay("", "2026-12-08")).toBe("2026-12-08");
  });

  it("stays on a date picked, and follows the clock again once today's is picked", () => {
    const picked = pickedDay("2026-12-01", "2026-12-07");
    expect(shownDay(picked, "2026-12-08")).toBe("2026-12-01");
    expect(shownDay(pickedDay("2026-12-07", "2026-12-07"), "2026-12-08")).toBe("2026-12-08");
  });
});
