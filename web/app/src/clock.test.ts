// Dates and times as the app shows them (clock.ts): on the regency's clock, the zone GET /v1/me names, whatever the
// phone's own zone (vitest.config.ts sets the phone's to Jakarta's).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clockOf, localDay, regencyZone, rememberZone } from "./clock";
import { cachedDayHolds, statusText } from "./day";
import { stubStorage } from "./teststorage";
import type { Today } from "./types";

/** An instant of Jayapura's wall clock (WIT, UTC+9). */
const wit = (day: string, hhmm: string): Date => new Date(`${day}T${hhmm}:00+09:00`);

beforeEach(() => void stubStorage());
afterEach(() => vi.unstubAllGlobals());

describe("before SMART named the regency's zone", () => {
  it("shows Jakarta's clock (WIB), the default zone", () => {
    expect(regencyZone()).toBe("Asia/Jakarta");
    expect(clockOf("2026-12-05T00:40:00Z")).toBe("07.40");
  });
});

describe("a regency in Papua (WIT) on a phone set to WIB", () => {
  beforeEach(() => rememberZone("Asia/Jayapura"));

  it("shows a check-in at the time the regency's clocks showed", () => {
    // GIVEN Yohanes checked in at 07:40 WIT, WHEN Home tells him, THEN it reads 07.40, not the phone's 05.40
    expect(clockOf(wit("2026-12-05", "07:40").toISOString())).toBe("07.40");
    const checkIn = { event_id: "e1", type: "in" as const, status: "accepted", attendance_time: wit("2026-12-05", "07:40").toISOString() };
    expect(statusText(null, { check_in: checkIn, check_out: null }, () => false)).toBe("Sudah absen masuk 07.40");
  });

  it("names the regency's date, not the phone's, in the first hours after midnight", () => {
    // GIVEN 00:30 WIT on 5 December (22:30 on the 4th on the phone's WIB clock)
    const now = wit("2026-12-05", "00:30");
    // THEN today is the 5th
    expect(localDay(now)).toBe("2026-12-05");
    // AND the profile of the 5th kept on the phone still tells the day offline
    const today: Today = { date: "2026-12-05", closes_at: wit("2026-12-05", "18:00").toISOString(), schedule: { start: "07:30", end: "16:00" } };
    expect(cachedDayHolds(today, [], now)).toBe(true);
  });

  it("keeps the zone on the phone and ignores a name the phone cannot read", () => {
    rememberZone("Mars/Olympus");
    rememberZone(undefined);
    expect(regencyZone()).toBe("Asia/Jayapura");
    expect(localStorage.getItem("smart.timezone")).toBe("Asia/Jayapura");
  });
});
