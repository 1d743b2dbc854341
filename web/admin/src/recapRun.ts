// What "Hitung Ulang" (Rekap harian) says of the answer to POST /v1/admin/recaps/daily: the statuses changed; and,
// when the request had no time for every unit (202: a regency's "Semua unit"), that the rest goes on in the
// background and where to follow it ("Riwayat tugas terjadwal", in the SIMPEG menu of a super admin).
import { count } from "./format";

/** The answer: 200 `{date, employees, written, unchanged}`, or 202 with `run_id` and `recapping` besides. */
export interface RecapAnswer {
  employees: number;
  written: number;
  run_id?: string;
  recapping?: number;
}

/** The sentence shown after "Hitung Ulang". `seesJobs`: the admin can open "Riwayat tugas terjadwal" (a super
 * admin: the SIMPEG menu); another admin is told to reload the day later instead. */
export function recapOutcome(r: RecapAnswer, seesJobs: boolean): string {
  if (!r.run_id || !r.recapping) return `Rekap dihitung ulang: ${String(r.written)} status berubah.`;
  const follow = seesJobs
    ? `Pantau di menu SIMPEG, tabel "Riwayat tugas terjadwal" (tugas "Hitung ulang rekap"); bila statusnya Gagal, tekan Hitung Ulang lagi.`
    : "Muat ulang rekap harian ini beberapa menit lagi; bila belum berubah, tekan Hitung Ulang lagi.";
  return (
    `Rekap dihitung ulang sebagian: ${count(r.employees)} pegawai dinilai, ${count(r.written)} status berubah. ` +
    `${count(r.recapping)} unit lainnya dilanjutkan di latar belakang dan selesai dalam beberapa menit. ${follow}`
  );
}
