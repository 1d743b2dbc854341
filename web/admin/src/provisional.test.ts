// When the Rekap screen tells the admin, before they download and print, that a day's or a month's sheet is still
// SEMENTARA (provisional.ts; the server's rule: chalicelib/usecases/reports.py day_final, _final).
import { afterEach, describe, expect, it } from "vitest";
import { localNow, setClockOffset, setZone } from "./format";
import { dayNote, monthNote, unitsProvisional } from "./provisional";

describe("monthNote", () => {
  it("tells that the running month's sheet is provisional and when its final sheet comes", () => {
    // GIVEN the admin on Rekap on 7 December 2026, WHEN they are about to download December's recap
    // THEN the screen says the file is SEMENTARA, unsigned, and final from 1 January 10.45 (the morning run's end)
    expect(monthNote("2026-12", "2026-12-07T09:00")).toBe(
      "Rekap Desember 2026 masih SEMENTARA: berkasnya tanpa kolom tanda tangan dan angkanya masih dapat berubah, jadi " +
        "jangan dipakai untuk pembayaran TPP. Lembar final tersedia mulai 1 Januari 2027 pukul 10.45 WIB, setelah rekap " +
        "ulang pagi menilai hari terakhir bulan itu.",
    );
  });

  it("keeps it provisional on the next month's first morning until the run that judges the last day is over", () => {
    expect(monthNote("2026-11", "2026-12-01T10:44")).toContain("mulai 1 Desember 2026 pukul 10.45 WIB");
    expect(monthNote("2026-11", "2026-12-01T10:45")).toBeNull();
    expect(monthNote("2026-02", "2026-12-07T09:00")).toBeNull();
  });

  it("keeps the month provisional after 10.45 while the server says so: the morning run failed or never ran", () => {
    // GIVEN 30 November judged by its 23:30 run only (the 10:30 run of 1 December failed), WHEN the BKPSDM officer
    // opens November on Rekap at 11:00 on 1 December, THEN the screen says SEMENTARA as the file will, why, and
    // what makes it final
    expect(monthNote("2026-11", "2026-12-01T11:00", true)).toBe(
      "Rekap November 2026 masih SEMENTARA: berkasnya tanpa kolom tanda tangan dan angkanya masih dapat berubah, jadi " +
        "jangan dipakai untuk pembayaran TPP. Rekap ulang pagi belum menilai 30 November 2026 setelah semua shiftnya " +
        "selesai (gagal atau belum berjalan); lembar final tersedia setelah Hitung Ulang tanggal itu atau rekap pukul " +
        "23.30 menilainya lagi.",
    );
    // AND a month long over that the server still calls provisional says so too
    expect(monthNote("2026-02", "2026-12-07T09:00", true)).toContain("belum menilai 28 Februari 2026");
  });

  it("says nothing once the server says the month is final, though the morning run ended before 10.45", () => {
    // GIVEN the morning run that judged 30 November whole finished at 10:32, WHEN the officer opens Rekap at 10:40
    // THEN no SEMENTARA note: the server, which prints the sheet, says it is final
    expect(monthNote("2026-11", "2026-12-01T10:40", false)).toBeNull();
    // AND before the month's last day is judged the server's "provisional" reads as the clock's note
    expect(monthNote("2026-12", "2026-12-07T09:00", true)).toBe(monthNote("2026-12", "2026-12-07T09:00"));
    // AND a server that does not say (an older one, or the report not read) is taken as before: by time
    expect(monthNote("2026-11", "2026-12-01T11:00", null)).toBeNull();
    expect(monthNote("2026-11", "2026-12-01T10:40", null)).toContain("mulai 1 Desember 2026 pukul 10.45 WIB");
  });
});

describe("unitsProvisional", () => {
  it("calls the regency's month provisional when any unit's is, final when every unit's is", () => {
    // GIVEN "Semua unit" read unit by unit: the server's word on each unit's month
    expect(unitsProvisional([false, true, false])).toBe(true);
    expect(unitsProvisional([false, false])).toBe(false);
    // AND a unit read from a server that does not say leaves the answer to the clock, unless another unit's is
    // provisional; no unit read says nothing
    expect(unitsProvisional([false, null])).toBeNull();
    expect(unitsProvisional([null, true])).toBe(true);
    expect(unitsProvisional([])).toBeNull();
  });
});

describe("dayNote", () => {
  // What the page of a unit's day said: rows stored, and the server's word on its files (null: a server that says none).
  const provisional = { recapped: true, provisional: true };
  const final = { recapped: true, provisional: false };

  it("tells that today's sheet is provisional until the next morning's run is over", () => {
    expect(dayNote("2026-12-07", "2026-12-07T15:00", provisional)).toBe(
      "Rekap harian 7 Desember 2026 masih SEMENTARA: berkasnya tanpa kolom tanda tangan dan angkanya masih dapat " +
        "berubah. Lembar final tersedia mulai 8 Desember 2026 pukul 10.45 WIB, setelah rekap ulang pagi menilai shift " +
        "malam yang mulai hari itu.",
    );
    // yesterday's, before this morning's run is over, too
    expect(dayNote("2026-12-06", "2026-12-07T10:44", provisional)).toContain("mulai 7 Desember 2026 pukul 10.45 WIB");
    expect(dayNote("2026-12-06", "2026-12-07T10:45", final)).toBeNull();
  });

  it("says nothing once the server says the sheet is final, though the morning run ended early", () => {
    // GIVEN the morning run that judged 6 December whole finished at 10:32, WHEN the admin opens Rekap at 10:40
    // THEN no SEMENTARA note: the server, which prints the sheet, says it is final
    expect(dayNote("2026-12-06", "2026-12-07T10:40", final)).toBeNull();
  });

  it("keeps the sheet provisional after 10.45 while the server says so: the morning run failed or never ran", () => {
    // GIVEN 6 December judged by its 23:30 run only (a night shift stored without its check-out), WHEN the admin
    // opens Rekap at 11:00 on the 7th, THEN the screen says SEMENTARA, why, and what makes it final
    expect(dayNote("2026-12-06", "2026-12-07T11:00", provisional)).toBe(
      "Rekap harian 6 Desember 2026 masih SEMENTARA: berkasnya tanpa kolom tanda tangan dan angkanya masih dapat " +
        "berubah. Rekap ulang pagi belum menilai hari itu setelah semua shiftnya selesai (gagal atau belum berjalan); " +
        "lembar final tersedia setelah Hitung Ulang atau rekap pukul 23.30 menilainya lagi.",
    );
    // AND a server that does not say (an older one) is taken as before: final by time
    expect(dayNote("2026-12-06", "2026-12-07T11:00", { recapped: true, provisional: null })).toBeNull();
  });

  it("tells a day over but never recapped is provisional until recapped; says nothing while that is not known", () => {
    expect(dayNote("2026-12-01", "2026-12-07T09:00", { recapped: false, provisional: true })).toBe(
      "Tanggal 1 Desember 2026 belum direkap: berkasnya SEMENTARA tanpa kolom tanda tangan sampai rekapnya dihitung.",
    );
    expect(dayNote("2026-12-01", "2026-12-07T09:00", null)).toBeNull();
  });
});

describe("localNow", () => {
  afterEach(() => {
    setZone(undefined);
    setClockOffset(undefined);
  });

  it("reads now on the regency's clock by SMART's time, whatever this computer's zone and clock say", () => {
    // GIVEN a WIT regency and a laptop whose clock runs 3 hours behind SMART's
    setZone("Asia/Jayapura");
    const smart = Date.UTC(2026, 11, 31, 16, 5); // 01:05 on 1 January 2027 in Jayapura
    setClockOffset(smart - Date.now());
    // THEN the screen judges by 1 January 01:05 WIT, not by the laptop's 31 December
    expect(localNow()).toMatch(/^2027-01-01T01:0[5-6]$/);
  });
});
