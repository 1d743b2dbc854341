// How "Log Audit" words an entry: its action by name (the code kept beside it), its actor's role, and its details
// as short "key: value" text instead of JSON; and the actions its "Tindakan" filter offers.
import { count, dateTime } from "./format";
import { ROLE_NAMES, type Role } from "./session";

/** The families of actions (the code's part before the dot; the API's `action` filter takes one for all of it). */
export const FAMILIES: Record<string, string> = {
  admin_user: "Pengguna admin",
  admin: "Akun admin",
  employee: "Pegawai",
  face: "Wajah",
  review: "Verifikasi",
  request: "Pengajuan",
  leave: "Cuti & izin",
  assignment: "Dinas luar",
  zone: "Zona",
  unit: "Unit",
  schedule: "Jadwal",
  holiday: "Hari libur",
  ramadan: "Periode Ramadan",
  recap: "Rekap",
  fingerprint: "Sidik jari",
  simpeg: "SIMPEG",
  view: "Akses foto & lampiran",
};

/** Every action SMART writes to the log (chalicelib/usecases: `audit().record`), in words. */
export const ACTIONS: Record<string, string> = {
  "admin_user.create": "Pengguna admin dibuat",
  "admin_user.update": "Pengguna admin diubah",
  "admin_user.mfa_setup": "Verifikasi dua langkah disiapkan",
  "admin_user.mfa_enable": "Verifikasi dua langkah diaktifkan",
  "admin_user.password": "Kata sandi admin diubah sendiri",
  "admin.unlock": "Kunci login admin dibuka",
  "employee.activation_code": "Kode aktivasi dibuat",
  "employee.device_bind": "Ponsel pegawai terdaftar",
  "employee.reset_device": "Perangkat pegawai direset",
  "employee.unlock": "Kunci login pegawai dibuka",
  "employee.deactivate": "Pegawai dinonaktifkan oleh SIMPEG",
  "employee.reactivate": "Pegawai diaktifkan kembali oleh SIMPEG",
  "employee.move": "Pegawai dipindah unit oleh SIMPEG",
  "face.enrol": "Wajah didaftarkan",
  "face.approve": "Wajah disetujui",
  "face.reject": "Wajah ditolak",
  "face.delete": "Wajah dihapus",
  "face.forget": "Data wajah pegawai keluar dihapus",
  "review.approve": "Absen disetujui",
  "review.reject": "Absen ditolak",
  "request.approve": "Pengajuan disetujui",
  "request.reject": "Pengajuan ditolak",
  "request.revoke": "Persetujuan pengajuan dibatalkan",
  "leave.add": "Cuti/izin dicatat",
  "leave.cancel": "Cuti/izin dibatalkan",
  "assignment.create": "Dinas luar dicatat",
  "assignment.cancel": "Dinas luar dibatalkan",
  "zone.create": "Zona dibuat",
  "zone.update": "Zona diubah",
  "zone.delete": "Zona dihapus",
  "unit.zones": "Zona kerja unit diubah",
  "unit.cutover": "Tanggal peralihan unit ditetapkan",
  "unit.activation_codes": "Lembar kode aktivasi dicetak",
  "schedule.unit": "Jadwal unit diubah",
  "schedule.employee": "Jadwal khusus pegawai diubah",
  "schedule.shifts": "Jadwal sif disimpan",
  "schedule.shift_removed": "Jadwal sif dihapus",
  "holiday.put": "Hari libur disimpan",
  "holiday.delete": "Hari libur dihapus",
  "ramadan.put": "Periode Ramadan disimpan",
  "ramadan.delete": "Periode Ramadan dihapus",
  "recap.daily": "Rekap harian dihitung ulang",
  "fingerprint.pins": "Pemetaan PIN sidik jari diunggah",
  "fingerprint.pin": "PIN sidik jari pegawai dipindahkan",
  "fingerprint.import": "Absen mesin sidik jari diimpor",
  "fingerprint.punches": "Absen sidik jari pegawai diimpor",
  "simpeg.sync": "Sinkronisasi SIMPEG",
  "simpeg.confirm": "Sinkronisasi SIMPEG dikonfirmasi",
  "simpeg.import": "Impor berkas SIMPEG",
  "view.photos": "Tautan foto diberikan",
  "view.attachments": "Tautan lampiran diberikan",
  "view.reports": "Berkas rekap diunduh",
};

/** An action in words; a code this console does not know yet is shown as it is. */
export const actionName = (code: string): string => ACTIONS[code] ?? code;

/** The choices of the "Tindakan" filter for one part of the log: per family, "all of it" then each action. */
export function actionChoices(views: boolean): { family: string; label: string; options: [string, string][] }[] {
  const families = Object.keys(FAMILIES).filter((f) => (f === "view") === views);
  return families.map((family) => {
    const label = FAMILIES[family] ?? family;
    const actions = Object.keys(ACTIONS).filter((a) => a.startsWith(`${family}.`));
    return { family, label, options: [[family, `${label}: semua`], ...actions.map((a): [string, string] => [a, actionName(a)])] };
  });
}

/** The role an entry's actor acted in, in words: the console's names of admin roles, "Pegawai" for an employee's
 * own step (a phone bound at activation); none for an entry without one. */
export function actorText(actor: string, role: string | null): string {
  const name = role === "employee" ? "Pegawai" : role ? (ROLE_NAMES[role as Role] ?? role) : null;
  return name ? `${actor} (${name})` : actor;
}

const KEYS: Record<string, string> = {
  nip: "NIP",
  nips: "NIP",
  nama: "nama",
  name: "nama",
  template_id: "templat",
  templates: "templat",
  status: "status",
  type: "jenis",
  kind: "jenis",
  report: "laporan",
  format: "format",
  leave_id: "cuti",
  request_id: "pengajuan",
  result_id: "hasil",
  start_date: "mulai",
  end_date: "sampai",
  start: "mulai",
  end: "selesai",
  date: "tanggal",
  dates: "tanggal",
  month: "bulan",
  effective_from: "berlaku mulai",
  days: "hari",
  hours: "jam",
  version: "versi",
  cells: "sel",
  area: "area",
  circle: "lingkaran",
  radius_m: "radius (m)",
  polygon_vertices: "titik sudut",
  south_west: "barat daya",
  north_east: "timur laut",
  holes: "lubang",
  before: "sebelumnya",
  after: "sesudahnya",
  pins: "PIN",
  pin: "PIN",
  changed: "jumlah perubahan",
  device_bound: "ponsel sudah terdaftar",
  run_id: "proses SIMPEG",
  zone_id: "zona",
  zone_ids: "zona",
  unor_id: "unit",
  unit_ids: "unit",
  units: "unit",
  role: "peran",
  active: "aktif",
  password: "kata sandi",
  mfa_enabled: "verifikasi dua langkah",
  letter_no: "nomor surat",
  count: "jumlah",
  only_not_activated: "hanya yang belum aktivasi",
  mapped: "dipetakan",
  imported: "diimpor",
  duplicates: "duplikat",
  unknown_pins: "PIN tak dikenal",
  errors: "baris salah",
  offset_minutes: "selisih jam mesin (menit)",
  recapped: "direkap",
  recapping: "sedang direkap",
  as_scheduled: "seperti jadwal malam",
  created: "baru",
  updated: "diperbarui",
  moved: "pindah unit",
  deactivated: "dinonaktifkan",
  unchanged: "tetap",
  new_run: "proses baru",
  own_score: "skor kemiripan",
  left_by: "keluar sebelum",
  device: "ponsel",
  device_fingerprint: "ciri perangkat",
  by: "lewat",
  via: "dari",
  taken_from: "diambil dari ponsel pegawai nonaktif",
  taken_by: "ponselnya diambil oleh",
  links: "tautan",
  time: "jam",
  event_type: "absen",
  attendance_time: "waktu absen",
  note: "catatan",
  status_before: "status hari sebelumnya",
  reason: "alasan",
};

const WEEKDAYS: Record<string, string> = { mon: "Sen", tue: "Sel", wed: "Rab", thu: "Kam", fri: "Jum", sat: "Sab", sun: "Min" };

/** Values of some keys in words (a run's status, an admin's role, a recap file's kind, a password "changed"). */
const VALUES: Record<string, Record<string, string>> = {
  status: { succeeded: "berhasil", needs_confirmation: "menunggu konfirmasi", running: "berjalan", failed: "gagal", pending: "menunggu persetujuan", approved: "disetujui", rejected: "ditolak" },
  role: ROLE_NAMES,
  report: { daily: "harian", monthly: "bulanan" },
  kind: { national: "libur nasional", cuti_bersama: "cuti bersama", local: "libur daerah" },
  password: { changed: "diubah" },
  by: { activation: "aktivasi", login: "login pertama setelah reset perangkat" },
  via: { sheet: "lembar kode aktivasi unit" },
  event_type: { in: "masuk", out: "pulang" },
  type: { CUTI: "cuti", IZIN: "izin", SAKIT: "sakit", DL: "dinas luar", KOREKSI: "koreksi absen" },
  // A face the approval's re-check took away again: the same face was approved for another employee meanwhile
  reason: { duplicate: "wajah sama dengan wajah pegawai lain (pemeriksaan ulang setelah disetujui)" },
};

/** Keys whose value is an instant, shown on the regency's clock. */
const INSTANTS = new Set(["attendance_time"]);

/** Lists longer than this are cut short ("… dan 40 lainnya"): an assignment of a whole school names every NIP. */
const LIST_MAX = 8;

function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return value ? "ya" : "tidak";
  if (typeof value === "number") return Number.isInteger(value) ? count(value) : value.toLocaleString("id-ID", { maximumFractionDigits: 6 });
  if (typeof value === "string") return INSTANTS.has(key) ? dateTime(value) : (VALUES[key]?.[value] ?? value);
  if (Array.isArray(value)) {
    if (!value.length) return "–";
    const shown = value.slice(0, LIST_MAX).map((v) => valueText(key, v));
    return value.length > LIST_MAX ? `${shown.join(", ")} … dan ${count(value.length - LIST_MAX)} lainnya` : shown.join(", ");
  }
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    // Working hours ({"start": "07:00", "end": "15:00"}) as a span
    if (Object.keys(o).length === 2 && typeof o["start"] === "string" && typeof o["end"] === "string") return `${o["start"]}–${o["end"]}`;
    return `(${pairs(o).join(", ")})`;
  }
  return JSON.stringify(value);
}

function pairs(o: Record<string, unknown>): string[] {
  return Object.entries(o).map(([k, v]) => `${WEEKDAYS[k] ?? KEYS[k] ?? k}: ${valueText(k, v)}`);
}

/** An entry's details as short text: "NIP: 1985…; status: berhasil", nested parts in brackets; "–" when none. */
export function detailText(details: Record<string, unknown> | null | undefined): string {
  const parts = details ? pairs(details) : [];
  return parts.length ? parts.join("; ") : "–";
}
