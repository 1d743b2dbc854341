// Indonesian names of the codes an attendance record carries: why a check-in was refused (API.md's 422 codes)
// or sent to review (the warnings of chalicelib/usecases/checkin.py and chalicelib/geo). Employees read the
// name in "Riwayat"; admins read it with the code beside it (support, the "Kode" filter). An unknown code
// shows as itself.
export const REASONS: Readonly<Record<string, string>> = {
  CHALLENGE_INVALID: "Sesi absen tidak berlaku",
  NOT_ENROLLED: "Wajah belum terdaftar",
  NO_FACE: "Wajah tidak terlihat",
  MULTIPLE_FACES: "Lebih dari satu wajah",
  LOW_QUALITY: "Foto kurang jelas",
  FACE_MISMATCH: "Wajah tidak cocok",
  FACE_BORDERLINE: "Skor wajah di dekat ambang",
  SMALL_FACE: "Wajah terlalu kecil di foto",
  REPLAYED_PHOTO: "Foto pernah dikirim",
  EXIF_TIME_MISMATCH: "Waktu foto tidak sesuai",
  OUTSIDE_ZONE: "Di luar zona kerja",
  GPS_INACCURATE: "Akurasi GPS rendah",
  MOCK_LOCATION: "Lokasi palsu (fake GPS)",
  IMPOSSIBLE_TRAVEL: "Perpindahan lokasi tidak wajar",
  STATIC_FIX: "Koordinat sama persis dengan hari lain",
  TRAVEL_AFTER_REFUSAL: "Lokasi melompat dari absen yang ditolak",
  SAME_SPOT_OTHER_EMPLOYEE: "Titik sama dengan pegawai lain",
  DEVICE_FINGERPRINT_CHANGED: "Ciri ponsel berubah",
  LIVENESS_FAILED: "Gerakan kepala tidak sesuai",
  LIVENESS_REQUIRED: "Rekaman gerakan tidak dikirim",
  LIVENESS_MISSING: "Rekaman gerakan tidak dikirim",
  LIVENESS_BORDERLINE: "Gerakan kepala meragukan",
  SPOOF_SUSPECTED: "Diduga foto dari layar atau cetakan",
  OFFLINE_CAPTURE: "Absen luring (tanpa sinyal)",
  OFFLINE_AFTER_REFUSAL: "Luring sesudah absen ditolak hari itu",
};

/** The refusal codes (chalicelib/messages.py REFUSAL_CODES): the "Kode" filter of "Percobaan Ditolak". */
export const REFUSAL_CODES: readonly string[] = [
  "FACE_MISMATCH",
  "NO_FACE",
  "MULTIPLE_FACES",
  "LOW_QUALITY",
  "REPLAYED_PHOTO",
  "OUTSIDE_ZONE",
  "GPS_INACCURATE",
  "MOCK_LOCATION",
  "IMPOSSIBLE_TRAVEL",
  "STATIC_FIX",
  "LIVENESS_FAILED",
  "LIVENESS_REQUIRED",
  "CHALLENGE_INVALID",
  "NOT_ENROLLED",
];

export function reasonName(code: string): string {
  return REASONS[code] ?? code;
}

/** "Di luar zona kerja (OUTSIDE_ZONE)": the name with the code, or the code alone when it has no name. */
export function reasonWithCode(code: string): string {
  const name = REASONS[code];
  return name ? `${name} (${code})` : code;
}
