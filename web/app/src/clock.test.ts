// Dates and times as the app shows them (clock.ts): on the regency's clock, the zone GET /v1/me names, whatever the
// phone's own zone (vitest.config.ts sets the phone's to Jakarta's).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clockOf, localDay, regencyZone, rememberZone, todayNow } from "./clock";
import { cachedDayHolds, statusText } from "./day";
import { remember } from "./servertime";
import { stubStorage } from "./teststorage";
import type { Today } from "./types";

/** An instant of Jayapura's wall clock (WIT, UTC+9). */
const wit = (day: string, hhmm: string): Date => new Date(`${day}T${hhmm}:00+09:00`);

beforeEach(() => void stubStorage());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

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

describe("a phone whose zone was set to WIB by hand in Papua, its clock then moved to read the local hour", () => {
  // GIVEN a WIT regency; the phone's clock reads 22:30 but, in WIB, that is 00:30 WIT of the next day: it runs
  // 2 hours ahead of the real instant, which SMART's answers (their Date header) told the app
  const real = wit("2026-12-04", "22:30");
  const phone = real.getTime() + 2 * 3_600_000;
  beforeEach(() => {
    rememberZone("Asia/Jayapura");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(phone);
    remember(real.getTime() - phone, phone);
  });

  it("names today by SMART's clock: still the 4th, not the 5th two hours early", () => {
    expect(localDay(todayNow())).toBe("2026-12-04");
    const today: Today = { date: "2026-12-04", closes_at: wit("2026-12-04", "18:00").toISOString(), schedule: { start: "07:30", end: "16:00" } };
    expect(cachedDayHolds(today, [], todayNow())).toBe(true);
  });

  it("goes by the phone's own clock while no answer of SMART told how far off it is", () => {
    localStorage.removeItem("smart.clock_offset");
    expect(todayNow().getTime()).toBe(phone);
  });
});
