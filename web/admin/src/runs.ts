// How the console words the runs of the scheduled jobs and of SIMPEG syncs and imports ("Riwayat tugas terjadwal",
// "Riwayat sinkronisasi dan impor"): job names, statuses, triggers, and a finished run's result in a sentence.
import { count, dateTime } from "./format";

export interface JobRun {
  run_id: string;
  job: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

export const JOB_NAMES: Record<string, string> = {
  daily_recap: "Rekap harian",
  day_before_recap: "Rekap ulang hari sebelumnya",
  simpeg_sync: "Sinkronisasi SIMPEG",
  face_retention: "Hapus data wajah pegawai yang sudah keluar",
  recap_rejudge: "Hitung ulang rekap",
};
const RECAP_JOBS = new Set(["daily_recap", "day_before_recap"]);
// Run statuses of the jobs and of SIMPEG runs (a job's statuses are a subset).
export const RUN_STATUS: Record<string, string> = {
  running: "Berjalan",
  succeeded: "Berhasil",
  needs_confirmation: "Menunggu konfirmasi",
  confirmed: "Dikonfirmasi",
  failed: "Gagal",
  skipped: "Dilewati",
};
export const TRIGGERS: Record<string, string> = { schedule: "Terjadwal", manual: "Manual", admin: "Admin", confirm: "Konfirmasi", import: "Impor berkas" };
const COUNT_NAMES: Record<string, string> = {
  created: "baru",
  updated: "diperbarui",
  moved: "pindah unit",
  deactivated: "dinonaktifkan",
  unchanged: "tetap",
  errors: "baris salah",
  units_upserted: "unit diperbarui",
  stranded: "pindah ke unit tanpa zona",
};
export const named = (names: Record<string, string>, value: string): string => names[value] ?? value;
const num = (v: unknown): string => (typeof v === "number" ? count(v) : "?");

/** A finished job's result in a sentence: the recap's date and counts, a SIMPEG run's status and counts. */
export function jobResult(r: JobRun): string {
  const x = r.result;
  if (r.job === "recap_rejudge") return rejudgeResult(r);
  if (r.error) return r.error;
  if (!x) return "–";
  if (r.job === "face_retention") return `Data wajah ${num(x["employees"])} pegawai yang sudah keluar dihapus (${num(x["templates"])} templat).`;
  if (RECAP_JOBS.has(r.job)) return `Tanggal ${String(x["date"])}: ${num(x["employees"])} pegawai, ${num(x["written"])} status ditulis, ${num(x["unchanged"])} tetap.${madeUp(x["made_up"])}`;
  const status = typeof x["status"] === "string" ? `${named(RUN_STATUS, x["status"])}. ` : "";
  const counts = typeof x["counts"] === "object" && x["counts"] !== null ? counted(x["counts"] as Record<string, number>) : "–";
  return `${status}${counts}`;
}

/** The days a nightly recap judged because every run had missed them (an outage), if any. */
function madeUp(runs: unknown): string {
  const dates = Array.isArray(runs) ? runs.map((run: { date?: unknown }) => String(run.date)) : [];
  return dates.length ? ` Tanggal terlewat yang direkap: ${dates.join(", ")}.` : "";
}

/** A re-judge run (recapped days a fingerprint import reached, a holiday or cut-over change, or the units of an
 * admin's Hitung Ulang the request handed over): its unit-days, and the dates re-run. A failed one says how to make
 * it good: the same machine file imported again after an import, Hitung Ulang pressed again otherwise. */
function rejudgeResult(r: JobRun): string {
  const x = r.result ?? {};
  const asked = x["unit_days"];
  const days = num(Array.isArray(asked) ? asked.length : asked);
  const again = r.trigger === "import" ? "impor berkas absen mesin yang sama lagi" : "tekan Hitung Ulang di Rekap Harian untuk tanggal itu lagi";
  if (r.error) return `${r.error}: ${days} hari unit belum dihitung ulang; ${again}.`;
  if (r.status === "running") return `${days} hari unit sedang dihitung ulang.`;
  const dates = x["dates"];
  return `${days} hari unit diperiksa, rekap ${num(Array.isArray(dates) ? dates.length : undefined)} tanggal dihitung ulang.`;
}

/** A SIMPEG run's counts in words, those that are not zero ("3 baru, 1 pindah unit"). */
export function counted(c: Record<string, number>): string {
  return Object.entries(c)
    .filter(([, v]) => v)
    .map(([k, v]) => `${num(v)} ${named(COUNT_NAMES, k)}`)
    .join(", ") || "–";
}

/** A record a sync or an import refused: its row (a sync's: the position in SIMPEG's listing; 0: the run's own
 * error, such as SIMPEG out of reach), its NIP when it had a readable one, and why. */
export interface RowError {
  row: number;
  code: string;
  message: string;
  nip?: string;
}

/** A SIMPEG run as "Riwayat sinkronisasi dan impor" lists it. */
export interface SimpegRun {
  run_id: string;
  status: string;
  trigger: { kind: string; actor: string | null };
  started_at: string;
  finished_at: string | null;
  counts: Record<string, number>;
  /** The first 100 rows refused (`counts.errors` has them all), or a failed run's own error (row 0). */
  errors: RowError[];
  blocked_by?: unknown[];
  inactive_statuses?: Record<string, number>;
  message?: string | null;
}

/** The rows a run refused, as its history row opens them; a failed run's own error (row 0) is its result instead. */
export const refusedRows = (run: Pick<SimpegRun, "errors">): RowError[] => run.errors.filter((e) => e.row > 0);

/** How many rows a run refused: all of them (its count), though it keeps only the first 100. */
export function refusedCount(run: Pick<SimpegRun, "errors" | "counts">): number {
  return Math.max(run.counts["errors"] ?? 0, refusedRows(run).length);
}

/** One refused row in words: "NIP 1985… · baris 12: Kolom 'nama' wajib diisi." (no NIP: "NIP tidak terbaca"). */
export function rowErrorText(e: RowError): string {
  return `${e.nip ? `NIP ${e.nip}` : "NIP tidak terbaca"} · baris ${String(e.row)}: ${e.message}`;
}

/** Why a run failed (its message, or its own error's), or null. */
function failure(run: Partial<Pick<SimpegRun, "status" | "message" | "errors">>): string | null {
  if (run.status !== "failed") return null;
  return run.message ?? run.errors?.find((e) => e.row === 0)?.message ?? null;
}

/** What a run's result says after its counts: a failed run's reason. */
export function runNote(run: Pick<SimpegRun, "status" | "message" | "errors">): string {
  const reason = failure(run);
  return reason ? ` Gagal: ${reason}` : "";
}

const isImport = (run: Pick<SimpegRun, "trigger">): boolean => run.trigger.kind === "import";
/** What a run ends with that takes the place of an earlier held run's plan: applied, or a newer plan held. */
const REPLACING = new Set(["succeeded", "needs_confirmation", "confirmed"]);

/** The later run that took the place of a held run, or null while it still waits (or was never held). A sync
 * reads the whole of SIMPEG again, so a later sync that was applied or held itself leaves nothing of the held one
 * to confirm; an import held back is dealt with by the next import that ended so (the same file sent again with
 * its count, or any other file: the held count no longer holds). Imports and syncs do not replace each other. */
export function supersededBy(run: SimpegRun, runs: readonly SimpegRun[]): SimpegRun | null {
  if (run.status !== "needs_confirmation") return null;
  const later = runs.filter((r) => isImport(r) === isImport(run) && r.started_at > run.started_at && REPLACING.has(r.status));
  return later.reduce<SimpegRun | null>((first, r) => (first === null || r.started_at < first.started_at ? r : first), null);
}

/** A run's status in the history: a held run a later one took the place of is "Digantikan". */
export function runStatus(run: SimpegRun, runs: readonly SimpegRun[]): string {
  return supersededBy(run, runs) ? "Digantikan" : named(RUN_STATUS, run.status);
}

/** What a superseded held run's row says instead of how to confirm it: a sync's plan was read again by the later
 * sync; an import's own rows were never applied (the later import may have been another file). */
export function supersededNote(later: Pick<SimpegRun, "trigger" | "started_at">): string {
  const at = dateTime(later.started_at);
  return isImport(later)
    ? `Digantikan impor ${at}; impor ini sendiri tidak diterapkan. Bila berkasnya belum diimpor, impor lagi.`
    : `Digantikan sinkronisasi ${at} yang membaca SIMPEG lagi; tidak perlu dikonfirmasi.`;
}

/** What "Sinkronkan Sekarang" (or a confirmation) answered, in words: the run's result when it ended within the
 * request, a held plan with what to do about it, or that it goes on in the background (202, no status). */
export function syncOutcome(answer: Partial<Pick<SimpegRun, "status" | "counts" | "blocked_by" | "message" | "errors">>): string {
  const counts = answer.counts ?? {};
  switch (answer.status) {
    case "succeeded":
      return `Sinkronisasi selesai: ${counted(counts)}.`;
    case "needs_confirmation":
      return [
        "Sinkronisasi ditahan; belum ada data yang diubah.",
        heldNote(answer.blocked_by, counts),
        "Periksa prosesnya di riwayat di bawah: bila benar, tekan Konfirmasi Sinkronisasi di barisnya; bila tidak, perbaiki datanya di SIMPEG lalu sinkronkan lagi.",
      ]
        .filter(Boolean)
        .join(" ");
    case "failed":
      return `Sinkronisasi gagal: ${failure(answer) ?? "coba lagi"}.`;
    default:
      return "Sinkronisasi berjalan di latar belakang; hasilnya tampil di riwayat di bawah.";
  }
}

/** How a run the deactivation guard held back is confirmed: a sync's with its own button (SMART reads SIMPEG
 * again under the go-ahead), an import's only by sending its file again with the count shown (SMART answers 409
 * to a confirmation of an import run: it keeps no file to apply again); null when nothing waits. */
export function confirmation(run: { status: string; trigger: { kind: string } }): "button" | "send-again" | null {
  if (run.status !== "needs_confirmation") return null;
  return run.trigger.kind === "import" ? "send-again" : "button";
}

/** The button that sends a held import again with its confirmation: the number of deactivations it makes, or
 * none (an import held for the units it empties or the employees it strands deactivates nobody). */
export function confirmLabel(deactivations: number): string {
  return deactivations > 0 ? `Konfirmasi ${String(deactivations)} penonaktifan` : "Konfirmasi Impor";
}

/** What to do with an import held back: its file sent again as it was sent (a partial import sent as a full one
 * would deactivate everyone not in it), confirmed with the number of deactivations. */
export function sendAgainHint(run: Pick<SimpegRun, "counts">): string {
  const n = run.counts["deactivated"];
  const confirm = typeof n === "number" ? confirmLabel(n) : "konfirmasi jumlah penonaktifannya";
  return `Pilih lagi berkas yang sama di Impor berkas (centang Impor penuh hanya bila impor ini impor penuh), tekan Impor, lalu ${confirm}.`;
}

/** Why a run was held back, in words, from its `blocked_by` and counts (unknown reasons are left out). */
export function heldNote(blocked: readonly unknown[] | undefined, counts: Record<string, number | undefined>): string {
  const n = (key: string): string => String(counts[key] ?? 0);
  const said: Record<string, string> = {
    EMPTY_LISTING: "daftar pegawai dari SIMPEG kosong",
    INCOMPLETE_LISTING: "daftar pegawai tidak utuh (dari SIMPEG: terpotong, halaman terulang atau jumlah total yang salah; dari berkas: baris tanpa NIP yang terbaca)",
    TOO_MANY_DEACTIVATIONS: `${n("deactivated")} pegawai akan dinonaktifkan`,
    MOVES_TO_UNITS_WITHOUT_ZONES: `${n("stranded")} pegawai akan pindah ke unit yang belum punya zona kerja dan tidak bisa absen sampai zonanya ditetapkan di menu Zona`,
    UNITS_EMPTIED: `${n("emptied_units")} unit akan kehilangan semua pegawainya (dipindah atau dinonaktifkan); pastikan zona, jadwal dan tanggal peralihan unit tujuan sudah sesuai`,
  };
  const reasons = (blocked ?? []).map((b) => said[String(b)]).filter((s): s is string => s !== undefined);
  return reasons.length ? `Ditahan: ${reasons.join("; ")}.` : "";
}

/** What the import took as inactive (any status but "aktif"), said plainly: a file whose active employees say
 * "Aktif Bekerja" would otherwise make a whole regency inactive with nothing to show for it. */
export function inactiveNote(statuses: Record<string, number> | undefined): string {
  const values = Object.entries(statuses ?? {});
  if (!values.length) return "";
  const listed = values.map(([value, rows]) => `"${value}" (${String(rows)} baris)`).join(", ");
  return ` Dicatat NONAKTIF karena status bukan "aktif": ${listed}. Bila mereka masih bekerja, perbaiki kolom status menjadi "aktif" lalu impor lagi.`;
}
