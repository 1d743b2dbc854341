// The scheduled jobs' runs in words (runs.ts), as "Riwayat tugas terjadwal" lists them.
import { describe, expect, it } from "vitest";
import {
  confirmation,
  confirmLabel,
  counted,
  heldNote,
  inactiveNote,
  jobResult,
  refusedCount,
  refusedRows,
  rowErrorText,
  runNote,
  runStatus,
  sendAgainHint,
  supersededBy,
  supersededNote,
  syncOutcome,
  type JobRun,
  type SimpegRun,
} from "./runs";

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
      "Pilih lagi berkas yang sama di Impor berkas (centang Impor penuh hanya bila impor ini impor penuh), tekan Impor, lalu Konfirmasi 120 penonaktifan.",
    );
    // a partial import held for the unit it empties deactivates nobody: no "0 penonaktifan"
    expect(sendAgainHint({ counts: { deactivated: 0, moved: 40 } })).toMatch(/lalu Konfirmasi Impor\.$/);
    expect(confirmLabel(0)).toBe("Konfirmasi Impor");
    expect(confirmLabel(3)).toBe("Konfirmasi 3 penonaktifan");
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
      "Ditahan: 7 pegawai akan dinonaktifkan; daftar pegawai tidak utuh (dari SIMPEG: terpotong, halaman terulang atau jumlah total yang salah; dari berkas: baris tanpa NIP yang terbaca).",
    );
    expect(heldNote(["UNITS_EMPTIED"], { emptied_units: 2 })).toBe(
      "Ditahan: 2 unit akan kehilangan semua pegawainya (dipindah atau dinonaktifkan); pastikan zona, jadwal dan tanggal peralihan unit tujuan sudah sesuai.",
    );
    expect(heldNote([], {})).toBe("");
    expect(heldNote(undefined, {})).toBe("");
  });
});

const run = (run_id: string, kind: string, status: string, started_at: string, more: Partial<SimpegRun> = {}): SimpegRun => ({
  run_id,
  status,
  trigger: { kind, actor: kind === "schedule" ? null : "admin" },
  started_at,
  finished_at: started_at,
  counts: {},
  errors: [],
  ...more,
});

describe("a held run in the history", () => {
  const heldSync = run("s1", "schedule", "needs_confirmation", "2026-12-06T18:00:00.000Z");
  const heldImport = run("i1", "import", "needs_confirmation", "2026-12-06T18:46:00.000Z", { counts: { deactivated: 405 } });

  it("still waits while nothing of its kind ended after it", () => {
    const runs = [run("s0", "schedule", "succeeded", "2026-12-05T18:00:00.000Z"), heldSync, run("s2", "admin", "failed", "2026-12-06T19:00:00.000Z")];
    expect(supersededBy(heldSync, [run("i2", "import", "succeeded", "2026-12-06T19:30:00.000Z"), ...runs])).toBeNull();
    expect(supersededBy(heldSync, [run("s3", "admin", "running", "2026-12-06T20:00:00.000Z"), ...runs])).toBeNull();
    expect(runStatus(heldSync, runs)).toBe("Menunggu konfirmasi");
  });

  it("of a sync is done once a later sync was applied or held itself, whoever started it", () => {
    const applied = run("s2", "admin", "succeeded", "2026-12-07T03:00:00.000Z");
    const runs = [run("s3", "schedule", "needs_confirmation", "2026-12-07T18:00:00.000Z"), applied, heldSync];
    expect(supersededBy(heldSync, runs)).toBe(applied);
    expect(runStatus(heldSync, runs)).toBe("Digantikan");
    expect(supersededNote(applied)).toBe("Digantikan sinkronisasi 07 Des 2026, 10.00 yang membaca SIMPEG lagi; tidak perlu dikonfirmasi.");
    expect(supersededBy(runs[0] as SimpegRun, runs)).toBeNull(); // the newest held one is the one to confirm
  });

  it("of an import is done once a later import ended (its file sent again with the count), never by a sync", () => {
    const confirmed = run("i2", "import", "succeeded", "2026-12-06T18:47:00.000Z", { counts: { deactivated: 405 } });
    expect(supersededBy(heldImport, [run("s9", "schedule", "succeeded", "2026-12-07T18:00:00.000Z"), heldImport])).toBeNull();
    expect(supersededBy(heldImport, [confirmed, heldImport])).toBe(confirmed);
    expect(supersededNote(confirmed)).toBe(
      "Digantikan impor 07 Des 2026, 01.47; impor ini sendiri tidak diterapkan. Bila berkasnya belum diimpor, impor lagi.",
    );
  });
});

describe("a run's refused rows", () => {
  const errors = [
    { row: 12, code: "MISSING_FIELD", message: "Kolom 'nama' wajib diisi.", nip: "198501012010011001" },
    { row: 40, code: "INVALID_NIP", message: "NIP harus 18 digit." },
  ];

  it("are counted in full though the run keeps the first 100, and each says its NIP, row and reason", () => {
    expect(refusedCount({ counts: { errors: 250 }, errors })).toBe(250);
    expect(refusedRows({ errors })).toHaveLength(2);
    expect(rowErrorText(errors[0] as (typeof errors)[0])).toBe("NIP 198501012010011001 · baris 12: Kolom 'nama' wajib diisi.");
    expect(rowErrorText(errors[1] as (typeof errors)[0])).toBe("NIP tidak terbaca · baris 40: NIP harus 18 digit.");
  });

  it("leave out a failed run's own error, which its result says instead", () => {
    const failed = { status: "failed", message: null, counts: {}, errors: [{ row: 0, code: "UNAVAILABLE", message: "SIMPEG tidak dapat dihubungi." }] };
    expect(refusedCount(failed)).toBe(0);
    expect(runNote(failed)).toBe(" Gagal: SIMPEG tidak dapat dihubungi.");
    expect(runNote({ ...failed, status: "succeeded" })).toBe("");
  });
});

describe("what Sinkronkan Sekarang answered", () => {
  it("says a held sync changed nothing, why it was held and what to do", () => {
    expect(syncOutcome({ status: "needs_confirmation", blocked_by: ["EMPTY_LISTING"], counts: { deactivated: 50 } })).toBe(
      "Sinkronisasi ditahan; belum ada data yang diubah. Ditahan: daftar pegawai dari SIMPEG kosong. Periksa prosesnya di riwayat di bawah: " +
        "bila benar, tekan Konfirmasi Sinkronisasi di barisnya; bila tidak, perbaiki datanya di SIMPEG lalu sinkronkan lagi.",
    );
  });

  it("says a finished sync's counts, a failed one's reason, and a long one's place in the history", () => {
    expect(syncOutcome({ status: "succeeded", counts: { created: 50, updated: 0 } })).toBe("Sinkronisasi selesai: 50 baru.");
    expect(syncOutcome({ status: "failed", message: "SIMPEG tidak menjawab", errors: [] })).toBe("Sinkronisasi gagal: SIMPEG tidak menjawab.");
    expect(syncOutcome({})).toBe("Sinkronisasi berjalan di latar belakang; hasilnya tampil di riwayat di bawah.");
  });
});
