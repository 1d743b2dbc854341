// The scheduled jobs' runs in words (runs.ts), as "Riwayat tugas terjadwal" lists them.
import { describe, expect, it } from "vitest";
import { confirmation, counted, heldNote, inactiveNote, jobResult, sendAgainHint, type JobRun } from "./runs";

const RUN: JobRun = {
  run_id: "a1",
  job: "daily_recap",
  trigger: "schedule",
  status: "succeeded",
  started_at: "2026-12-10T16:30:00Z",
  finished_at: "2026-12-10T16:31:00Z",
  result: { date: "2026-12-10", employees: 7000, written: 6950, unchanged: 50, day_before: { date: "2026-12-09" }, made_up: [] },
  error: null,
};

describe("jobResult", () => {
  it("says a nightly recap's date and counts", () => {
    expect(jobResult(RUN)).toBe("Tanggal 2026-12-10: 7.000 pegawai, 6.950 status ditulis, 50 tetap.");
  });

  it("names the days the nightly recap made up after an outage", () => {
    const result = { ...RUN.result, made_up: [{ date: "2026-12-07" }, { date: "2026-12-08" }] };
    expect(jobResult({ ...RUN, result })).toBe(
      "Tanggal 2026-12-10: 7.000 pegawai, 6.950 status ditulis, 50 tetap. Tanggal terlewat yang direkap: 2026-12-07, 2026-12-08.",
    );
  });

  it("says how many departed employees' faces the retention deleted", () => {
    const result = { employees: 12, templates: 31, left_by: "2026-09-07T18:00:00+00:00" };
    expect(jobResult({ ...RUN, job: "face_retention", result })).toBe("Data wajah 12 pegawai yang sudah keluar dihapus (31 templat).");
  });

  it("says how to make good a failed re-judge: the machine file again after an import, Hitung Ulang otherwise", () => {
    const failed = { ...RUN, job: "recap_rejudge", status: "failed", error: "UnavailableError: dynamodb", result: { unit_days: 3 } };
    expect(jobResult({ ...failed, trigger: "import" })).toBe(
      "UnavailableError: dynamodb: 3 hari unit belum dihitung ulang; impor berkas absen mesin yang sama lagi.",
    );
    expect(jobResult({ ...failed, trigger: "admin" })).toBe(
      "UnavailableError: dynamodb: 3 hari unit belum dihitung ulang; tekan Hitung Ulang di Rekap Harian untuk tanggal itu lagi.",
    );
  });

  it("shows a failed run's error", () => {
    expect(jobResult({ ...RUN, status: "failed", result: null, error: "ClientError: throttled" })).toBe("ClientError: throttled");
  });
});

describe("counted", () => {
  it("names the counts that are not zero", () => {
    expect(counted({ created: 3, updated: 0, moved: 1 })).toBe("3 baru, 1 pindah unit");
    expect(counted({ unchanged: 0 })).toBe("–");
  });
});

describe("a SIMPEG run held back by the deactivation guard", () => {
  const held = { status: "needs_confirmation", counts: { created: 2, deactivated: 120 } };

  it("of a sync is confirmed with its own button", () => {
    expect(confirmation({ ...held, trigger: { kind: "schedule" } })).toBe("button");
    expect(confirmation({ ...held, trigger: { kind: "admin" } })).toBe("button");
  });

  it("of an import is confirmed by sending its file again with the count, never by the button SMART refuses", () => {
    expect(confirmation({ ...held, trigger: { kind: "import" } })).toBe("send-again");
    expect(sendAgainHint(held)).toBe(
      "Pilih lagi berkas yang sama di Impor berkas dengan Impor penuh, tekan Impor, lalu Konfirmasi 120 penonaktifan.",
    );
  });

  it("waits for nothing once run or confirmed", () => {
    expect(confirmation({ status: "succeeded", trigger: { kind: "import" } })).toBeNull();
    expect(confirmation({ status: "confirmed", trigger: { kind: "schedule" } })).toBeNull();
  });
});

describe("an import's statuses taken as inactive", () => {
  it("are named with their rows and what to do, and nothing is said when there are none", () => {
    const note = inactiveNote({ "Aktif Bekerja": 6950, Pensiun: 50 });
    expect(note).toContain('"Aktif Bekerja" (6950 baris), "Pensiun" (50 baris)');
    expect(note).toContain('perbaiki kolom status menjadi "aktif"');
    expect(inactiveNote({})).toBe("");
    expect(inactiveNote(undefined)).toBe("");
  });
});

describe("a run held back", () => {
  it("says why in words, with the numbers", () => {
    expect(heldNote(["MOVES_TO_UNITS_WITHOUT_ZONES"], { moved: 45, stranded: 40 })).toBe(
      "Ditahan: 40 pegawai akan pindah ke unit yang belum punya zona kerja dan tidak bisa absen sampai zonanya ditetapkan di menu Zona.",
    );
    expect(heldNote(["TOO_MANY_DEACTIVATIONS", "INCOMPLETE_LISTING"], { deactivated: 7 })).toBe(
      "Ditahan: 7 pegawai akan dinonaktifkan; daftar pegawai dari SIMPEG terpotong.",
    );
    expect(heldNote([], {})).toBe("");
    expect(heldNote(undefined, {})).toBe("");
  });
});
