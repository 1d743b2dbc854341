// The working day's rules as Home applies them (day.ts), at the regency's time (vitest.config.ts sets TZ).
import { describe, expect, it } from "vitest";
import { ApiError, NETWORK_ERROR } from "../../shared/api";
import {
  cachedDayHolds,
  dayFailure,
  doneNote,
  earlyNote,
  type Marks,
  nextKind,
  outWaitsAfterClose,
  scheduleText,
  statusText,
  waitingForShown,
  windowNote,
  windowState,
  windowTurnsAt,
  within,
  withCheckin,
} from "./day";
import type { Waiting } from "./outbox";
import type { CheckinAnswer, Kind, Profile, Today } from "./types";

/** An instant of Jakarta's wall clock. */
const wib = (day: string, hhmm: string): Date => new Date(`${day}T${hhmm}:00+07:00`);

const NONE: Marks = { check_in: null, check_out: null };
const nothingWaits = (): boolean => false;

function capture(kind: Kind, at: Date): Waiting {
  const body = {
    type: kind,
    client_request_id: `${kind}-${at.toISOString()}`,
    captured_at: at.toISOString(),
    latitude: -6.9,
    longitude: 107.6,
    accuracy_m: 12,
    mock_location: false,
    photo: "",
  };
  return { id: body.client_request_id, body, saved_at: at.toISOString() };
}

/** The profile's day of a night shift from 21:00 on 4 December to 07:00 on the 5th (window until 09:00). */
function nightShift(marks: Partial<Today> = {}): Today {
  return {
    date: "2026-12-04",
    closes_at: wib("2026-12-05", "09:00").toISOString(),
    schedule: { start: "21:00", end: "07:00" },
    ...marks,
  };
}

const checkedIn = { attendance_time: wib("2026-12-04", "20:55").toISOString(), type: "in" as const };
const checkedOut = { attendance_time: wib("2026-12-05", "07:02").toISOString(), type: "out" as const };

describe("the tests' clock", () => {
  it("is Jakarta's", () => {
    expect(new Date(2026, 11, 5).getTimezoneOffset()).toBe(-420);
  });
});

describe("within", () => {
  const closes = wib("2026-12-05", "09:00").toISOString();

  it("holds the day's own date whatever its window", () => {
    expect(within(wib("2026-12-04", "00:00"), { date: "2026-12-04" })).toBe(true);
    expect(within(wib("2026-12-04", "23:59"), { date: "2026-12-04", closes_at: closes })).toBe(true);
  });

  it("holds the morning after until the window closes, and not a minute later", () => {
    expect(within(wib("2026-12-05", "08:59"), { date: "2026-12-04", closes_at: closes })).toBe(true);
    expect(within(wib("2026-12-05", "09:00"), { date: "2026-12-04", closes_at: closes })).toBe(false);
  });

  it("holds the evening before once the window of a shift from midnight has opened, not before", () => {
    const fromMidnight = { date: "2026-12-04", opens_at: wib("2026-12-03", "22:30").toISOString(), closes_at: closes };
    expect(within(wib("2026-12-03", "23:45"), fromMidnight)).toBe(true);
    expect(within(wib("2026-12-03", "22:29"), fromMidnight)).toBe(false);
    expect(within(wib("2026-12-05", "08:59"), fromMidnight)).toBe(true);
  });

  it("holds neither the morning after without a window nor a date before the day", () => {
    expect(within(wib("2026-12-05", "01:00"), { date: "2026-12-04" })).toBe(false);
    expect(within(wib("2026-12-03", "23:00"), { date: "2026-12-04", closes_at: closes })).toBe(false);
  });
});

describe("cachedDayHolds: offline, the cached profile still tells the working day", () => {
  it("on its own date, begun or not", () => {
    expect(cachedDayHolds(nightShift(), [], wib("2026-12-04", "10:00"))).toBe(true);
  });

  it("after midnight while its begun shift waits for its check-out", () => {
    expect(cachedDayHolds(nightShift({ check_in: checkedIn }), [], wib("2026-12-05", "01:30"))).toBe(true);
  });

  it("after midnight when the check-in itself waits on the phone", () => {
    const queued = [capture("in", wib("2026-12-04", "21:01"))];
    expect(cachedDayHolds(nightShift(), queued, wib("2026-12-05", "01:30"))).toBe(true);
  });

  it("not for a shift never begun: the new date is shown", () => {
    expect(cachedDayHolds(nightShift(), [], wib("2026-12-05", "01:30"))).toBe(false);
  });

  it("not once the check-out is recorded, or waits on the phone", () => {
    const done = nightShift({ check_in: checkedIn, check_out: checkedOut });
    expect(cachedDayHolds(done, [], wib("2026-12-05", "07:30"))).toBe(false);
    const queued = [capture("out", wib("2026-12-05", "07:01"))];
    expect(cachedDayHolds(nightShift({ check_in: checkedIn }), queued, wib("2026-12-05", "07:30"))).toBe(false);
  });

  it("after midnight after an early check-out, which a later one replaces", () => {
    const errand = { ...checkedOut, attendance_time: wib("2026-12-05", "01:00").toISOString(), early_minutes: 360 };
    expect(cachedDayHolds(nightShift({ check_in: checkedIn, check_out: errand }), [], wib("2026-12-05", "06:55"))).toBe(true);
  });

  it("not once the window has closed, check-out or not", () => {
    expect(cachedDayHolds(nightShift({ check_in: checkedIn }), [], wib("2026-12-05", "09:00"))).toBe(false);
  });

  it("not for a profile of an older API without closes_at", () => {
    const { closes_at: _, ...older } = nightShift({ check_in: checkedIn });
    expect(cachedDayHolds(older, [], wib("2026-12-05", "01:30"))).toBe(false);
  });
});

describe("waitingForShown: which waiting captures count for the day shown", () => {
  const checkOut = capture("out", wib("2026-12-05", "01:30"));

  it("counts a night shift's check-out of the morning after for that shift's day", () => {
    const day = nightShift({ check_in: checkedIn });
    expect(waitingForShown([checkOut], day)("out")).toBe(true);
  });

  it("leaves it to the cached day when the new date is shown after it", () => {
    const waits = waitingForShown([checkOut], { date: "2026-12-05" }, nightShift({ check_in: checkedIn }));
    expect(waits("out")).toBe(false);
    expect(nextKind(NONE, waits)).toBe("in");
    expect(statusText(null, NONE, waits)).toBe("Belum absen masuk");
  });

  it("counts the new date's own captures after the cached day's window", () => {
    const morning = capture("in", wib("2026-12-05", "09:30"));
    const waits = waitingForShown([checkOut, morning], { date: "2026-12-05" }, nightShift({ check_in: checkedIn }));
    expect(waits("in")).toBe(true);
    expect(statusText(null, NONE, waits)).toBe("Absen masuk tersimpan di ponsel, menunggu sinyal");
  });
});

describe("captures waiting outside the day's window", () => {
  const day: Today = {
    date: "2026-12-04",
    opens_at: wib("2026-12-04", "06:00").toISOString(),
    closes_at: wib("2026-12-04", "18:00").toISOString(),
    schedule: { start: "07:30", end: "16:00" },
  };

  it("leave a check-in captured before the window opened out of the day's arrival, so Home offers another", () => {
    const waits = waitingForShown([capture("in", wib("2026-12-04", "05:45"))], day);
    expect(waits("in")).toBe(false);
    expect(nextKind(NONE, waits)).toBe("in");
    expect(waitingForShown([capture("in", wib("2026-12-04", "06:00"))], day)("in")).toBe(true);
  });

  it("say of a check-out captured after the window closed that it will not count", () => {
    const late = [capture("out", wib("2026-12-04", "18:30"))];
    const marks: Marks = { check_in: { attendance_time: wib("2026-12-04", "07:20").toISOString(), type: "in" }, check_out: null };
    expect(nextKind(marks, waitingForShown(late, day))).toBeNull();
    expect(outWaitsAfterClose(late, day)).toBe(true);
    expect(doneNote(marks, outWaitsAfterClose(late, day))).toContain("ajukan Koreksi absen");
    expect(outWaitsAfterClose([capture("out", wib("2026-12-04", "17:59"))], day)).toBe(false);
    expect(outWaitsAfterClose([capture("in", wib("2026-12-04", "18:30"))], day)).toBe(false);
  });
});

describe("nextKind: the one button", () => {
  it("is check-in, then check-out, then none", () => {
    expect(nextKind(NONE, nothingWaits)).toBe("in");
    expect(nextKind({ check_in: checkedIn, check_out: null }, nothingWaits)).toBe("out");
    expect(nextKind({ check_in: checkedIn, check_out: checkedOut }, nothingWaits)).toBeNull();
  });

  it("counts captures waiting on the phone as made", () => {
    expect(nextKind(NONE, (kind) => kind === "in")).toBe("out");
    expect(nextKind({ check_in: checkedIn, check_out: null }, (kind) => kind === "out")).toBeNull();
  });

  it("offers the check-out again after an early one, which a later one replaces, with what it counts as", () => {
    const errand = { attendance_time: wib("2026-12-04", "11:02").toISOString(), type: "out" as const, early_minutes: 298 };
    const early: Marks = { check_in: checkedIn, check_out: errand };
    expect(nextKind(early, nothingWaits)).toBe("out");
    expect(earlyNote(early)).toBe(
      "Absen pulang 11.02 dihitung pulang 4 jam 58 menit lebih awal. Bila Anda masih bekerja, absen pulang lagi saat pulang: yang dihitung absen pulang terakhir.",
    );
    // a later check-out waiting on the phone already replaces it; one on time or after the hours completes the day
    expect(nextKind(early, (kind) => kind === "out")).toBeNull();
    expect(statusText(null, early, (kind) => kind === "out")).toBe("Absen pulang tersimpan di ponsel, menunggu sinyal");
    const onTime: Marks = { check_in: checkedIn, check_out: { ...errand, early_minutes: 0 } };
    expect(nextKind(onTime, nothingWaits)).toBeNull();
    expect(earlyNote(onTime)).toBeNull();
    expect(earlyNote({ check_in: checkedIn, check_out: checkedOut })).toBeNull();
  });
});

describe("statusText and scheduleText", () => {
  const workday: Today = { date: "2026-12-04", schedule: { start: "07:30", end: "16:00" } };

  it("name a holiday or a leave before any mark", () => {
    expect(statusText({ ...workday, holiday: "Hari Guru" }, NONE, nothingWaits)).toBe("Hari libur: Hari Guru");
    expect(statusText({ ...workday, leave: "S" }, { check_in: checkedIn, check_out: null }, nothingWaits)).toBe(
      "Sakit",
    );
  });

  it("give the recorded marks' times on the phone's clock", () => {
    const late = { attendance_time: wib("2026-12-04", "07:48").toISOString() };
    expect(statusText(workday, { check_in: late, check_out: null }, nothingWaits)).toBe("Sudah absen masuk 07.48");
    expect(statusText(workday, { check_in: late, check_out: checkedOut }, nothingWaits)).toBe(
      "Sudah absen pulang 07.02",
    );
  });

  it("say what waits on the phone, the check-out before the check-in", () => {
    expect(statusText(workday, NONE, (kind) => kind === "in")).toBe(
      "Absen masuk tersimpan di ponsel, menunggu sinyal",
    );
    expect(statusText(workday, { check_in: checkedIn, check_out: null }, () => true)).toBe(
      "Absen pulang tersimpan di ponsel, menunggu sinyal",
    );
  });

  it("tell a day without hours and a field duty", () => {
    expect(statusText({ ...workday, schedule: null }, NONE, nothingWaits)).toBe("Tidak ada jadwal kerja hari ini");
    expect(statusText({ ...workday, field_duty: true }, NONE, nothingWaits)).toBe("Belum absen masuk (dinas luar)");
    expect(statusText({ ...workday, checked_in: true }, NONE, nothingWaits)).toBe("Sudah absen masuk");
  });

  it("give the hours written the Indonesian way (as the check-ins beside them), none, or unknown offline", () => {
    expect(scheduleText(workday)).toBe("07.30–16.00");
    expect(scheduleText({ ...workday, schedule: null })).toBe("Tidak ada jadwal");
    expect(scheduleText(null)).toBe("Belum diketahui (tanpa sinyal)");
  });
});

describe("windowNote: an attendance outside the day's window is kept but not counted", () => {
  const opens = wib("2026-12-04", "06:00");
  const closes = wib("2026-12-04", "18:00");
  const workday: Today = {
    date: "2026-12-04",
    opens_at: opens.toISOString(),
    closes_at: closes.toISOString(),
    schedule: { start: "07:30", end: "16:00" },
  };

  it("says when the window opens before it does, and says nothing from then on until it closes", () => {
    expect(windowNote(workday, wib("2026-12-04", "05:40"))).toBe(
      "Jam absen dibuka pukul 06.00: absen sebelum itu tercatat, tetapi tidak dihitung.",
    );
    expect(windowNote(workday, opens)).toBeNull();
    expect(windowNote(workday, wib("2026-12-04", "17:59"))).toBeNull();
  });

  it("says the window closed once it did (a check-in after 18.00 counts for no day)", () => {
    expect(windowNote(workday, closes)).toBe(
      "Jam absen hari ini sudah ditutup pukul 18.00: absen sekarang tercatat, tetapi tidak dihitung. Bila Anda lupa absen, ajukan Koreksi absen di menu Pengajuan.",
    );
    expect(windowNote(workday, wib("2026-12-04", "21:12"))).toBe(windowNote(workday, closes));
  });

  it("says nothing on a day off, offline on an unknown day, or from a profile kept without the window", () => {
    expect(windowNote({ ...workday, schedule: null }, wib("2026-12-04", "05:00"))).toBeNull();
    expect(windowNote(null, wib("2026-12-04", "05:00"))).toBeNull();
    expect(windowNote({ date: workday.date, schedule: workday.schedule }, wib("2026-12-04", "21:12"))).toBeNull();
  });

  it("tells the status line that a day without an arrival is over once the window closed", () => {
    expect(windowState(workday, wib("2026-12-04", "05:40"))).toBe("before");
    expect(windowState(workday, opens)).toBe("open");
    expect(windowState(workday, closes)).toBe("closed");
    expect(statusText(workday, NONE, nothingWaits, "before")).toBe("Belum absen masuk");
    expect(statusText(workday, NONE, nothingWaits, "closed")).toBe("Tidak absen masuk hari ini");
    const arrived = { attendance_time: wib("2026-12-04", "07:12").toISOString() };
    expect(statusText(workday, { check_in: arrived, check_out: null }, nothingWaits, "closed")).toBe(
      "Sudah absen masuk 07.12",
    );
    expect(statusText(workday, NONE, (kind) => kind === "in", "closed")).toBe(
      "Absen masuk tersimpan di ponsel, menunggu sinyal",
    );
  });

  it("names when the note changes next: the opening, then the closing, then never", () => {
    expect(windowTurnsAt(workday, wib("2026-12-04", "05:40"))).toEqual(opens);
    expect(windowTurnsAt(workday, opens)).toEqual(closes);
    expect(windowTurnsAt(workday, closes)).toBeNull();
    expect(windowTurnsAt(nightShift(), wib("2026-12-05", "08:00"))).toEqual(wib("2026-12-05", "09:00"));
  });
});

describe("a failed read of the day", () => {
  const inactive = "Akun Anda tidak aktif. Hubungi BKPSDM bila ini keliru.";
  const otherPhone = "Perangkat ini tidak terdaftar untuk akun Anda. Hubungi admin unit untuk reset perangkat.";

  it("shows the day kept on the phone when SMART gave no answer", () => {
    expect(dayFailure(new ApiError(0, NETWORK_ERROR, "Tidak ada koneksi ke server."))).toEqual({ kind: "no-signal" });
    expect(dayFailure(new ApiError(503, "UNAVAILABLE", "Layanan sedang tidak tersedia."))).toEqual({ kind: "no-signal" });
  });

  it("shows SMART's own words when it refused, not a lost signal", () => {
    expect(dayFailure(new ApiError(403, "ACCOUNT_INACTIVE", inactive))).toEqual({ kind: "refused", message: inactive });
    expect(dayFailure(new ApiError(403, "DEVICE_MISMATCH", otherPhone))).toEqual({ kind: "refused", message: otherPhone });
    expect(dayFailure(new ApiError(429, "RATE_LIMITED", "Terlalu banyak percobaan."))).toEqual({
      kind: "refused",
      message: "Terlalu banyak percobaan.",
    });
  });

  it("leaves it to the login screen when the session ended", () => {
    expect(dayFailure(new ApiError(401, "UNAUTHENTICATED", "Sesi tidak valid."))).toEqual({ kind: "signed-out" });
  });
});

describe("the day kept on the phone after a live check-in", () => {
  const profile = (today: Today): Profile => ({
    nip: "199001012020012001",
    nama: "Siti",
    jabatan: null,
    unit: { unor_id: "U1", unor_nama: null },
    today,
    enrolled: true,
  });
  const answer = (type: Kind, at: Date, extra: Partial<CheckinAnswer> = {}): CheckinAnswer => ({
    event_id: `e-${type}`,
    status: "accepted",
    type,
    attendance_time: at.toISOString(),
    late_minutes: 0,
    category: null,
    warnings: [],
    ...extra,
  });
  const day: Today = { date: "2026-12-04", schedule: { start: "07:30", end: "16:00" } };

  it("holds the check-in SMART recorded, then the check-out, so Home offers the next button at once", () => {
    const arrived = withCheckin(profile(day), answer("in", wib("2026-12-04", "07:12")));
    expect(arrived.today.check_in?.event_id).toBe("e-in");
    expect(arrived.today.checked_in).toBe(true);
    const marks = { check_in: arrived.today.check_in ?? null, check_out: null };
    expect(nextKind(marks, nothingWaits)).toBe("out");
    const left = withCheckin(arrived, answer("out", wib("2026-12-04", "16:05")));
    expect(left.today.check_out?.attendance_time).toBe(wib("2026-12-04", "16:05").toISOString());
    expect(left.today.check_in?.event_id).toBe("e-in");
  });

  it("keeps how early a check-out was, so Home offers it again at once, and a later one replaces it", () => {
    const arrived = withCheckin(profile(day), answer("in", wib("2026-12-04", "07:12")));
    const errand = withCheckin(arrived, answer("out", wib("2026-12-04", "11:02"), { early_minutes: 298 }));
    const marks = (p: Profile): Marks => ({ check_in: p.today.check_in ?? null, check_out: p.today.check_out ?? null });
    expect(nextKind(marks(errand), nothingWaits)).toBe("out");
    const home = withCheckin(errand, { ...answer("out", wib("2026-12-04", "16:05"), { early_minutes: 0 }), event_id: "later" });
    expect(home.today.check_out?.event_id).toBe("later");
    expect(nextKind(marks(home), nothingWaits)).toBeNull();
  });

  it("keeps a check-out after the window closed as the day's, named as not counted, with what mends the day", () => {
    const arrived = withCheckin(profile(day), answer("in", wib("2026-12-04", "07:12")));
    const errand = withCheckin(arrived, answer("out", wib("2026-12-04", "11:02"), { early_minutes: 298 }));
    const closed = { ...answer("out", wib("2026-12-04", "18:40"), { category: "PSW4", early_minutes: 0 }), event_id: "x" };
    const after = withCheckin(errand, closed);
    expect(after.today.check_out?.event_id).toBe("x");
    const marks: Marks = { check_in: after.today.check_in ?? null, check_out: after.today.check_out ?? null };
    expect(nextKind(marks, nothingWaits)).toBeNull(); // another one after closing would not count either
    expect(statusText(after.today, marks, nothingWaits, "closed")).toBe(
      "Sudah absen pulang 18.40 di luar jam absen: tidak dihitung",
    );
    expect(doneNote(marks)).toContain("ajukan Koreksi absen di menu Pengajuan");
    expect(doneNote({ ...marks, check_out: errand.today.check_out ?? null })).not.toContain("Koreksi");
    expect(doneNote({ check_in: marks.check_in, check_out: { ...closed, category: null } })).toBe(
      "Absen hari ini sudah lengkap.",
    );
  });

  it("keeps a late arrival as the day's arrival, so Home offers the check-out without signal", () => {
    const late = withCheckin(profile(day), answer("in", wib("2026-12-04", "08:10"), { category: "TL1", late_minutes: 40 }));
    expect(late.today.check_in?.event_id).toBe("e-in");
    expect(late.today.checked_in).toBe(true);
    expect(nextKind({ check_in: late.today.check_in ?? null, check_out: null }, nothingWaits)).toBe("out");
  });

  it("keeps the first arrival, leaves out one outside the day's hours and answers of another day", () => {
    const first = withCheckin(profile(day), answer("in", wib("2026-12-04", "07:12")));
    expect(withCheckin(first, { ...answer("in", wib("2026-12-04", "07:40")), event_id: "again" })).toBe(first);
    const early = answer("in", wib("2026-12-04", "05:10"), { category: "TL4" });
    expect(withCheckin(profile(day), early).today.check_in).toBeUndefined();
    expect(withCheckin(profile(day), answer("in", wib("2026-12-03", "07:12")))).toEqual(profile(day));
  });

  it("starts the answer's date when the phone kept only an earlier day (its read of today got no answer)", () => {
    const arrived = withCheckin(profile(day), answer("in", wib("2026-12-05", "07:12")));
    expect(arrived.today).toMatchObject({ date: "2026-12-05", partial: true, checked_in: true });
    expect(arrived.today.check_in?.event_id).toBe("e-in");
    const marks: Marks = { check_in: arrived.today.check_in ?? null, check_out: null };
    expect(nextKind(marks, nothingWaits)).toBe("out");
    expect(statusText(arrived.today, marks, nothingWaits)).toBe("Sudah absen masuk 07.12");
    expect(scheduleText(arrived.today)).toBe("Belum diketahui (tanpa sinyal)");
    const before = withCheckin(profile(day), answer("in", wib("2026-12-05", "05:10"), { category: "TL4" }));
    expect(statusText(before.today, NONE, nothingWaits)).toBe("Belum absen masuk");
  });

  it("counts a night shift's check-out in the morning after for its night", () => {
    const night = withCheckin(profile(nightShift(checkedInToday())), answer("out", wib("2026-12-05", "07:02")));
    expect(night.today.check_out?.type).toBe("out");
  });
});

function checkedInToday(): Partial<Today> {
  return { check_in: checkedIn };
}
