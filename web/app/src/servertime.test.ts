// SMART's time as the phone knows it (servertime.ts): the offset an answer's `Date` header tells, and how a
// capture is dated by it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clockWentBack, correctionOf, knownOffset, MAX_SET_BACK_MS, MIN_CORRECTION_MS, OFFSET_TTL_MS, offsetFrom, remember, serverNow, shifted } from "./servertime";
import { stubStorage } from "./teststorage";

const SERVER = "Sat, 05 Dec 2026 00:10:00 GMT"; // 07:10:00 in Jakarta
const at = (iso: string): number => Date.parse(iso);

describe("an answer's Date header", () => {
  it("tells how far SMART's clock is from the phone's, from the middle of the second and of the round trip", () => {
    // the phone's clock 10 minutes fast: it sent at 07:20:00.000 and heard back 400 ms later
    const sent = at("2026-12-05T00:20:00.000Z");
    expect(offsetFrom(SERVER, sent, sent + 400)).toBe(-600_000 + 500 - 200);
    // a phone on time
    const onTime = at("2026-12-05T00:10:00.300Z");
    expect(Math.abs(offsetFrom(SERVER, onTime, onTime + 400) ?? NaN)).toBeLessThan(1_000);
  });

  it("tells nothing without a header, from a malformed one, or after too long a round trip", () => {
    const sent = at("2026-12-05T00:10:00.000Z");
    expect(offsetFrom(null, sent, sent + 100)).toBeNull();
    expect(offsetFrom("kemarin", sent, sent + 100)).toBeNull();
    expect(offsetFrom(SERVER, sent, sent + 12_000)).toBeNull(); // a weak link: the answer dates too loosely
    expect(offsetFrom(SERVER, sent, sent - 5)).toBeNull(); // the phone's clock moved meanwhile
  });
});

describe("a capture's time", () => {
  it("is moved to SMART's clock when the phone is a while off, kept when it is right enough", () => {
    expect(correctionOf(null)).toBeNull();
    expect(correctionOf(-600_000)).toBe(-600_000);
    expect(correctionOf(MIN_CORRECTION_MS)).toBe(MIN_CORRECTION_MS);
    expect(correctionOf(-4_000)).toBe(0); // within what a measurement can tell
    expect(shifted("2026-12-05T00:20:00.000Z", -600_000)).toBe("2026-12-05T00:10:00.000Z");
    expect(shifted("2026-12-05T00:20:00.000Z", 0)).toBe("2026-12-05T00:20:00.000Z");
  });

  describe("on a phone", () => {
    beforeEach(() => void stubStorage());
    afterEach(() => vi.unstubAllGlobals());

    it("uses the offset measured last, which outlives the app (offline captures are taken after a restart)", () => {
      const phone = at("2026-12-05T00:20:00.000Z");
      expect(serverNow(phone)).toEqual({ at: "2026-12-05T00:20:00.000Z", correction: null });
      remember(-600_000, phone);
      remember(-599_700, phone); // the last one counts
      expect(knownOffset(phone)).toBe(-599_700);
      expect(serverNow(phone)).toEqual({ at: "2026-12-05T00:10:00.300Z", correction: -599_700 });
      remember(2_000, phone);
      expect(serverNow(phone)).toEqual({ at: "2026-12-05T00:20:00.000Z", correction: 0 });
    });

    it("believes an offset for a day only: a clock set right since is not moved by it for good", () => {
      const measured = at("2026-12-05T00:20:00.000Z");
      remember(480_000, measured); // the phone was 8 minutes slow then
      expect(serverNow(measured + OFFSET_TTL_MS).correction).toBe(480_000);
      const nextDay = measured + OFFSET_TTL_MS + 60_000;
      expect(serverNow(nextDay)).toEqual({ at: new Date(nextDay).toISOString(), correction: null });
    });

    it("tells a clock gone back before SMART's last answer from one nudged, or slow and measured", () => {
      const measured = at("2026-12-05T00:20:00.000Z");
      expect(clockWentBack(measured - 365 * 86_400_000)).toBe(false); // nothing heard yet: nothing to tell by
      remember(0, measured);
      expect(clockWentBack(measured - 60_000)).toBe(false); // a minute back: within what a clock is nudged by
      expect(clockWentBack(measured - MAX_SET_BACK_MS - 1_000)).toBe(true);
      expect(clockWentBack(at("2025-01-01T00:00:00.000Z"))).toBe(true); // started again after a flat battery
      remember(7 * 3_600_000, measured); // a phone 7 hours slow, measured: SMART's time is known right
      expect(clockWentBack(measured + 60_000)).toBe(false);
    });

    it("drops an offset the phone's clock was set back from since (its clock set right)", () => {
      const measured = at("2026-12-05T03:20:00.000Z");
      remember(-3 * 3_600_000, measured); // 3 hours fast
      expect(knownOffset(measured - 60_000)).toBe(-3 * 3_600_000);
      expect(knownOffset(measured - 2.5 * 3_600_000)).toBeNull(); // set right half an hour later
    });

    it("ignores an offset kept by an earlier version without the time it was measured", () => {
      localStorage.setItem("smart.clock_offset", "480000");
      expect(knownOffset()).toBeNull();
    });
  });
});
