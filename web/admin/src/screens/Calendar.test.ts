// The first day a schedule version governs, as the console shows it (Calendar.tsx; chalicelib ScheduleVersion.first_day).
import { describe, expect, it } from "vitest";
import { firstDay } from "./Calendar";

describe("firstDay", () => {
  it("moves a version saved during the day it is meant to start to the next day (Jakarta's clock)", () => {
    expect(firstDay({ effective_from: "2026-12-06", created_at: "2026-12-06T05:04:43+00:00" })).toBe("2026-12-07");
    expect(firstDay({ effective_from: "2026-12-07", created_at: "2026-12-06T16:59:59+00:00" })).toBe("2026-12-07"); // 23.59 WIB
  });

  it("keeps a later start, and the day itself for a version saved at its midnight exactly", () => {
    expect(firstDay({ effective_from: "2026-12-20", created_at: "2026-12-06T05:04:43+00:00" })).toBe("2026-12-20");
    expect(firstDay({ effective_from: "2026-12-07", created_at: "2026-12-06T17:00:00+00:00" })).toBe("2026-12-07"); // 00.00 WIB
    expect(firstDay({ effective_from: "2026-12-07", created_at: "2026-12-06T17:00:01+00:00" })).toBe("2026-12-08");
  });
});
