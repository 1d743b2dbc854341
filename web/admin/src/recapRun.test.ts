// What "Hitung Ulang" says (recapRun.ts): a recap done within the request, and one whose rest goes on in the
// background (202), with where to follow it.
import { describe, expect, it } from "vitest";
import { recapOutcome } from "./recapRun";

const DONE = { date: "2026-11-02", employees: 7000, written: 12, unchanged: 6988 };

describe("recapOutcome", () => {
  it("says how many statuses changed when every unit was judged", () => {
    expect(recapOutcome(DONE, true)).toBe("Rekap dihitung ulang: 12 status berubah.");
  });

  it("says the rest goes on in the background and where a super admin follows it", () => {
    const accepted = { ...DONE, employees: 4200, written: 1500, run_id: "a1b2c3d4e5f6", recapping: 160 };
    expect(recapOutcome(accepted, true)).toBe(
      "Rekap dihitung ulang sebagian: 4.200 pegawai dinilai, 1.500 status berubah. 160 unit lainnya dilanjutkan di " +
        'latar belakang dan selesai dalam beberapa menit. Pantau di menu SIMPEG, tabel "Riwayat tugas terjadwal" ' +
        '(tugas "Hitung ulang rekap"); bila statusnya Gagal, tekan Hitung Ulang lagi.',
    );
  });

  it("tells an admin without the jobs list to reload the day later", () => {
    const accepted = { ...DONE, employees: 0, written: 0, run_id: "a1b2c3d4e5f6", recapping: 3 };
    expect(recapOutcome(accepted, false)).toContain("3 unit lainnya dilanjutkan di latar belakang");
    expect(recapOutcome(accepted, false)).toContain("Muat ulang rekap harian ini beberapa menit lagi");
    expect(recapOutcome(accepted, false)).not.toContain("SIMPEG");
  });
});
