// The employee's own events as Riwayat and Home read them (events.ts): every page of `GET /v1/attendance/me`, which
// SMART lists in the order it received them, oldest first (me.my_events, `events_between`).
import { describe, expect, it } from "vitest";
import { eventStatus, history, marksOf, MOST_EVENTS, type Call } from "./events";
import type { AttendanceEvent, Page, Today } from "./types";

const event = (id: string, type: "in" | "out", at: string, status = "accepted"): AttendanceEvent => ({
  event_id: id,
  type,
  status,
  attendance_time: `${at}+07:00`,
});

/** A stand-in API answering `/v1/attendance/me` from `pages` (keyed by the cursor asked, "" for the first), and
 * the paths it was asked. */
function api(pages: Record<string, Page<AttendanceEvent>>): { call: Call; asked: string[] } {
  const asked: string[] = [];
  const call = <T>(method: string, path: string): Promise<T> => {
    asked.push(path);
    const next = new URL(path, "https://smart.test").searchParams.get("next") ?? "";
    const page = pages[next];
    if (method !== "GET" || !path.startsWith("/v1/attendance/me?") || !page) throw new Error(`unexpected ${method} ${path}`);
    return Promise.resolve(page as T);
  };
  return { call, asked };
}

const NOW = new Date("2026-12-07T10:00:00+07:00");

describe("Riwayat", () => {
  it("shows the days of every page, the newest first", async () => {
    // GIVEN an employee whose month (many refused tries, offline retries) is more than one page: SMART lists the
    // events oldest first, so the last days are on the second page
    const { call, asked } = api({
      "": { items: [event("e1", "in", "2026-11-10T07:20:00"), event("e2", "out", "2026-11-10T16:05:00")], next: "c1" },
      c1: { items: [event("e3", "in", "2026-12-07T07:15:00")], next: null },
    });
    // WHEN Riwayat is read
    const shown = await history(call, NOW);
    // THEN today's check-in is there, on top, and the earlier days under it
    expect(shown.items.map((e) => e.event_id)).toEqual(["e3", "e2", "e1"]);
    expect(shown.cut).toBe(false);
    // AND the second page was asked at the first one's cursor, for the same 30 days
    expect(asked).toEqual(["/v1/attendance/me?from=2026-11-08&to=2026-12-07", "/v1/attendance/me?from=2026-11-08&to=2026-12-07&next=c1"]);
  });

  it("stops after a bounded number of events and says the newest are not shown", async () => {
    // GIVEN a server that names a next page for ever (a fault, or an absurd number of events)
    const items = Array.from({ length: 100 }, (_, i) => event(`e${String(i)}`, "in", "2026-11-10T07:20:00"));
    const { call, asked } = api({ "": { items, next: "c" }, c: { items, next: "c" } });
    // WHEN Riwayat is read, THEN the phone stops at its bound and tells that the list is cut
    const shown = await history(call, NOW);
    expect(asked.length).toBe(MOST_EVENTS / 100);
    expect(shown.cut).toBe(true);
  });
});

describe("Home's marks read from today's events", () => {
  const today: Today = { date: "2026-12-07", schedule: { start: "07:30", end: "16:00" }, checked_in: true };

  it("find a check-out on the second page", async () => {
    // GIVEN an older SMART whose profile has no marks, and a day of many refused tries before the check-out
    const refused = Array.from({ length: 3 }, (_, i) => event(`r${String(i)}`, "out", "2026-12-07T15:50:00", "refused"));
    const { call } = api({
      "": { items: [event("in1", "in", "2026-12-07T07:10:00"), ...refused], next: "c1" },
      c1: { items: [event("out1", "out", "2026-12-07T16:02:00")], next: null },
    });
    // WHEN Home reads the day, THEN both marks are found: the app does not offer "Absen Pulang" again
    const marks = await marksOf(call, today);
    expect(marks.check_in?.event_id).toBe("in1");
    expect(marks.check_out?.event_id).toBe("out1");
  });
});

describe("what Riwayat says of an event", () => {
  const event = (extra: Partial<AttendanceEvent>): AttendanceEvent => ({ type: "in", status: "accepted", ...extra });

  it("says SMART's answer, and a refusal's reasons", () => {
    expect(eventStatus(event({}))).toBe("Diterima");
    expect(eventStatus(event({ status: "review" }))).toBe("Menunggu verifikasi admin");
    expect(eventStatus(event({ status: "refused", reasons: ["OUTSIDE_ZONE"] }))).toMatch(/^Ditolak \(.+\)$/);
  });

  it("says a decided review by its decision alone: it waits no more", () => {
    expect(eventStatus(event({ status: "review", decision: "approve" }))).toBe("Disetujui admin");
    expect(eventStatus(event({ status: "review", decision: "reject" }))).toBe("Ditolak admin");
    expect(eventStatus(event({ status: "accepted", decision: "revoke" }))).toBe("Diterima, dibatalkan admin");
  });

  it("says an event outside the day's hours is kept but not counted; a late one is counted", () => {
    const after = event({ type: "out", category: "PSW4", early_minutes: 0 });
    expect(eventStatus(after)).toBe("Diterima, di luar jam absen: tidak dihitung");
    expect(eventStatus(event({ category: "TL1", late_minutes: 12 }))).toBe("Diterima");
  });
});
