"""User-facing messages (Bahasa Indonesia) per stable error code, and the one error body shape of API.md.

Kept apart from the HTTP layer because recorded refusals store the same body the client received, so that
an idempotent retry gets the first answer byte for byte.
"""

from __future__ import annotations

from typing import Any

# Check-in refusals (HTTP 422): recorded with their photo for audit, never counted as attendance.
REFUSAL_CODES = (
    "CHALLENGE_INVALID",
    "NOT_ENROLLED",
    "NO_FACE",
    "MULTIPLE_FACES",
    "LOW_QUALITY",
    "FACE_MISMATCH",
    "REPLAYED_PHOTO",
    "OUTSIDE_ZONE",
    "GPS_INACCURATE",
    "MOCK_LOCATION",
    "IMPOSSIBLE_TRAVEL",
    "STATIC_FIX",  # only where a stage's GPS policy refuses repeated identical fixes (default: review)
    "LIVENESS_FAILED",
    "LIVENESS_REQUIRED",
)

# Why a recorded check-in waits for an admin (its `warnings`); a stage's GPS policy may also send a refusal
# code of the position checks to review instead. Both web apps name each (web/shared/reasons.ts).
REVIEW_WARNINGS = (
    "OFFLINE_CAPTURE",
    "OFFLINE_AFTER_REFUSAL",
    "FACE_BORDERLINE",
    "SMALL_FACE",
    "EXIF_TIME_MISMATCH",
    "STATIC_FIX",
    "TRAVEL_AFTER_REFUSAL",
    "SAME_SPOT_OTHER_EMPLOYEE",
    "DEVICE_FINGERPRINT_CHANGED",
    "LIVENESS_BORDERLINE",
    "LIVENESS_FAILED",
    "LIVENESS_MISSING",
    "SPOOF_SUSPECTED",  # SMART_ANTISPOOF=on: the passive anti-spoof score reached its threshold
)

MESSAGES: dict[str, str] = {
    "VALIDATION_ERROR": "Data yang dikirim tidak valid.",
    "UNSUPPORTED_IMAGE": "Foto tidak dapat dibaca atau terlalu besar. Kirim foto JPEG atau PNG yang utuh.",
    "WEAK_PASSWORD": "Kata sandi terlalu lemah. Gunakan minimal 10 karakter yang tidak mudah ditebak.",
    "UNAUTHENTICATED": "Sesi tidak valid atau sudah berakhir. Silakan masuk kembali.",
    "INVALID_CREDENTIALS": "NIP/nama pengguna atau kata sandi salah.",
    "FORBIDDEN": "Anda tidak berwenang melakukan tindakan ini.",
    "DEVICE_MISMATCH": "Perangkat ini tidak terdaftar untuk akun Anda. Hubungi admin unit untuk reset perangkat.",
    "ACCOUNT_INACTIVE": "Akun Anda tidak aktif. Hubungi BKPSDM bila ini keliru.",
    "NOT_FOUND": "Data tidak ditemukan.",
    "METHOD_NOT_ALLOWED": "Metode tidak diizinkan untuk alamat ini.",
    "CONFLICT": "Permintaan bertentangan dengan data yang ada.",
    "ALREADY_RECORDED": "Absen masuk hari ini sudah tercatat.",
    "DUPLICATE_FACE": "Wajah ini sudah terdaftar untuk pegawai lain. Hubungi admin unit atau BKPSDM.",
    "PAYLOAD_TOO_LARGE": "Data terlalu besar. Kecilkan ukuran foto lalu coba lagi.",
    "UNSUPPORTED_MEDIA_TYPE": "Jenis konten tidak didukung.",
    "URI_TOO_LONG": "Alamat permintaan terlalu panjang.",
    "HEADERS_TOO_LARGE": "Header permintaan terlalu besar.",
    "CHALLENGE_INVALID": "Sesi absen tidak berlaku atau sudah kedaluwarsa. Ulangi absen dari awal.",
    "NOT_ENROLLED": (
        "Wajah Anda belum terdaftar atau belum disetujui. Daftarkan wajah lewat tombol Daftarkan Wajah di Beranda; "
        "bila sudah, tunggu persetujuan admin unit."
    ),
    "NO_FACE": "Wajah tidak terdeteksi. Pastikan wajah terlihat jelas di kamera.",
    "MULTIPLE_FACES": "Terdeteksi lebih dari satu wajah. Pastikan hanya Anda yang ada di foto.",
    "LOW_QUALITY": "Kualitas foto kurang baik (terlalu gelap, buram, atau wajah terlalu kecil). Coba lagi.",
    "FACE_MISMATCH": "Wajah tidak cocok dengan data terdaftar.",
    "REPLAYED_PHOTO": "Foto ini sudah pernah digunakan. Ambil swafoto langsung dari kamera.",
    "OUTSIDE_ZONE": (
        "Anda berada di luar area kerja. Absen hanya dapat dilakukan di lokasi kerja atau lokasi tugas; "
        "bila bertugas di luar, ajukan Dinas Luar di menu Pengajuan."
    ),
    "GPS_INACCURATE": (
        "Lokasi GPS kurang akurat. Pindah ke tempat terbuka, tunggu sinyal GPS lebih baik, lalu coba lagi."
    ),
    "MOCK_LOCATION": "Terdeteksi aplikasi lokasi palsu. Matikan aplikasi tersebut lalu coba lagi.",
    "IMPOSSIBLE_TRAVEL": "Perpindahan lokasi tidak wajar dibanding absen sebelumnya.",
    "STATIC_FIX": "Lokasi GPS sama persis dengan absen sebelumnya. Aktifkan GPS perangkat lalu coba lagi.",
    "LIVENESS_FAILED": (
        "Gerakan kepala yang diminta tidak terlihat pada rekaman. Ulangi absen dan ikuti petunjuk gerakan."
    ),
    "LIVENESS_REQUIRED": "Rekaman gerakan kepala wajib dikirim. Perbarui aplikasi lalu ulangi absen.",
    "RATE_LIMITED": "Terlalu banyak percobaan. Coba lagi beberapa saat lagi.",
    "INTERNAL": "Terjadi kesalahan pada server.",
    "UNAVAILABLE": "Layanan sedang sibuk atau terganggu. Data Anda belum tersimpan; silakan coba lagi.",
}


def message_for(code: str, message: str | None = None) -> str:
    """The message an error answers with: its own, else the code's (else the generic one)."""
    return message or MESSAGES.get(code, MESSAGES["INTERNAL"])


def error_body(code: str, message: str | None = None, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message_for(code, message),
            "details": details or {},
        }
    }
