// The first day a schedule version governs, as the console shows it (Calendar.tsx; chalicelib ScheduleVersion.first_day).
import { describe, expect, it } from "vitest";
import { finishText, firstDay, inactiveText, leaveName, recordedText, requestName, setAsideText, startText, storedRamadanText, weekSavedText } from "./Calendar";

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

describe("startText", () => {
  it("writes a version's first day as people read it, and the day entered when that had already begun", () => {
    // GIVEN a version saved at 12.04 WIB on 6 December 2026 "from" that day, and one saved the day before it starts
    const late = { effective_from: "2026-12-06", created_at: "2026-12-06T05:04:43+00:00" };
    const early = { effective_from: "2026-12-07", created_at: "2026-12-06T05:04:43+00:00" };
    // WHEN the "Berlaku mulai" cell shows them, THEN in words, never ISO
    expect(startText(late)).toBe("7 Desember 2026 (diisi 6 Desember 2026)");
    expect(startText(early)).toBe("7 Desember 2026");
  });
});

describe("weekSavedText", () => {
  it("names the first day a saved version governs, and why when it is not the day entered", () => {
    expect(weekSavedText("2027-01-04", "2027-01-04")).toBe("Jadwal tersimpan, berlaku mulai 4 Januari 2027.");
    expect(weekSavedText("2026-12-07", "2026-12-06")).toBe(
      "Jadwal tersimpan, berlaku mulai 7 Desember 2026: tanggal 6 Desember 2026 sudah berjalan dan tetap memakai jadwal sebelumnya.",
    );
  });
});

describe("leaveName", () => {
  it("names a leave to cancel with its days as the Cuti & Izin row shows them, never ISO", () => {
    const sick = { nip: "198503122010012001", nama: "Dewi Lestari", type: "SAKIT", start_date: "2026-12-03", end_date: "2026-12-04" };
    expect(leaveName(sick)).toBe("sakit Dewi Lestari 3 Desember 2026 – 4 Desember 2026");
    // ... one day alone, and the NIP of an employee without a name
    const unnamed = { nip: sick.nip, type: "CUTI", start_date: "2026-12-03", end_date: "2026-12-03" };
    expect(leaveName(unnamed)).toBe("cuti 198503122010012001 3 Desember 2026");
  });
});

describe("storedRamadanText", () => {
  it("names the year's period, both of a year that holds two Ramadans, or none", () => {
    const january = { start_date: "2030-01-05", end_date: "2030-02-03" };
    const december = { start_date: "2030-12-25", end_date: "2031-01-23" };
    expect(storedRamadanText({ year: 2030, ...january, periods: [january, december] })).toBe(
      "Tersimpan untuk 2030: 5 Januari 2030 – 3 Februari 2030 dan 25 Desember 2030 – 23 Januari 2031.",
    );
    expect(storedRamadanText({ year: 2026, start_date: "2026-02-18", end_date: "2026-03-19" })).toBe("Tersimpan untuk 2026: 18 Februari 2026 – 19 Maret 2026.");
    expect(storedRamadanText({ year: 2027, start_date: null, end_date: null, periods: [] })).toBe("Belum ada periode Ramadan untuk tahun 2027.");
  });
});

describe("recordedText", () => {
  it("tells the deciding admin the check a correction would stand beside, in the regency's time", () => {
    expect(recordedText({ event_type: "in", recorded_time: "2026-03-10T02:10:00+00:00" })).toBe("Hari itu sudah tercatat absen masuk pukul 09.10.");
    expect(recordedText({ event_type: "out", recorded_time: "2026-03-10T09:05:00+00:00" })).toBe("Hari itu sudah tercatat absen pulang pukul 16.05.");
    expect(recordedText({ event_type: "in", recorded_time: null })).toBeNull();
  });
});

describe("inactiveText", () => {
  it("tells since when the employee is inactive, and disables Setujui only where the server refuses it", () => {
    expect(inactiveText({ employee_inactive: { deactivated_on: "2026-03-10", approvable: false } })).toEqual({
      text: "Pegawai nonaktif sejak 10 Maret 2026. Pengajuan untuk hari sejak itu hanya dapat ditolak.",
      refused: "Pengajuan untuk hari sejak itu hanya dapat ditolak.",
    });
    // A leaver's last days are approved as anyone's: the word, and Setujui left enabled.
    expect(inactiveText({ employee_inactive: { deactivated_on: "2026-03-10", approvable: true } })).toEqual({ text: "Pegawai nonaktif sejak 10 Maret 2026.", refused: null });
    expect(inactiveText({ employee_inactive: { deactivated_on: null, approvable: false } })).toEqual({
      text: "Pegawai nonaktif menurut SIMPEG. Pengajuannya hanya dapat ditolak.",
      refused: "Pengajuannya hanya dapat ditolak.",
    });
    expect(inactiveText({})).toBeNull();
  });
});

describe("finishText", () => {
  const unfinished = "Persetujuan ini belum selesai tercatat (gangguan penyimpanan).";
  it("disables Selesaikan Persetujuan where Setujui is: the server refuses finishing it too (403 ACCOUNT_INACTIVE)", () => {
    // GIVEN an approval that stopped half way, of an employee SIMPEG deactivated before the request's last day
    const left = { employee_inactive: { deactivated_on: "2026-03-10", approvable: false } };
    // WHEN the approved list shows it, THEN finishing it is refused here, with what is left to do instead
    const refused = "Pegawai nonaktif sejak 10 Maret 2026: persetujuan ini tidak dapat diselesaikan, hanya dibatalkan.";
    expect(finishText(left)).toEqual({ hint: `${unfinished} ${refused}`, refused });
    expect(inactiveText(left)?.refused).not.toBeNull(); // the same verdict as Setujui's
    const undated = { employee_inactive: { deactivated_on: null, approvable: false } };
    expect(finishText(undated).refused).toBe("Pegawai nonaktif menurut SIMPEG: persetujuan ini tidak dapat diselesaikan, hanya dibatalkan.");
  });
  it("offers it as before to an active employee and to a leaver's last days", () => {
    expect(finishText({})).toEqual({ hint: unfinished, refused: null });
    expect(finishText({ employee_inactive: { deactivated_on: "2026-03-10", approvable: true } })).toEqual({ hint: unfinished, refused: null });
  });
});

describe("setAsideText", () => {
  it("names each check a correction would put back: who set it aside and why", () => {
    const lines = setAsideText({
      event_type: "in",
      set_aside: [
        { time: "2026-03-10T00:20:00+00:00", how: "rejected", code: null, by: "sari", note: "bukan wajah pegawai" },
        { time: "2026-03-10T00:20:00+00:00", how: "revoked", code: null, by: "dewi", note: "tidak hadir" },
        { time: "2026-03-10T00:18:00+00:00", how: "refused", code: "FACE_MISMATCH", by: null, note: null },
      ],
    });
    expect(lines[0]).toBe("Absen masuk pukul 07.20 hari itu ditolak admin sari: “bukan wajah pegawai”.");
    expect(lines[1]).toBe("Absen masuk pukul 07.20 hari itu disetujui lalu dibatalkan admin dewi: “tidak hadir”.");
    expect(lines[2]).toMatch(/^Absen masuk pukul 07\.18 hari itu ditolak SMART \(.+\)\.$/);
  });

  it("says nothing of a day with none", () => {
    expect(setAsideText({ event_type: "out" })).toEqual([]);
  });
});

describe("requestName", () => {
  const permit = { nip: "198503122010012001", nama: "Dewi Lestari", type: "IZIN" };

  it("names a request with its days as the Pengajuan row shows them, the Indonesian way, never ISO", () => {
    // GIVEN a permit of 3 December 2026 and a field duty of 3-4 December 2026
    // WHEN the console names them (the outcome line, the row's Setujui/Tolak names), THEN as people write dates
    expect(requestName({ ...permit, start_date: "2026-12-03", end_date: "2026-12-03" })).toBe("Dewi Lestari (Izin, 3 Desember 2026)");
    expect(requestName({ ...permit, type: "DL", start_date: "2026-12-03", end_date: "2026-12-04" })).toBe(
      "Dewi Lestari (Dinas luar, 3 Desember 2026 – 4 Desember 2026)",
    );
    // ... a correction with what it asks, and the NIP of an employee without a name
    const correction = { nip: "198503122010012001", type: "KOREKSI", time: "07:20", event_type: "in", start_date: "2027-01-04", end_date: "2027-01-04" };
    expect(requestName(correction)).toBe("198503122010012001 (Koreksi absen · Masuk 07.20, 4 Januari 2027)");
  });
});
