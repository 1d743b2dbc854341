// An employee's request (pengajuan) in the words both apps show: the employee's own list and the console's.

/** The request types (API.md `POST /v1/me/requests`) by their Indonesian names, in the order forms offer them. */
export const REQUEST_TYPE_NAMES = {
  CUTI: "Cuti",
  IZIN: "Izin",
  SAKIT: "Sakit",
  DL: "Dinas luar",
  KOREKSI: "Koreksi absen",
} as const;

/** What a time correction (KOREKSI) asks for: "Masuk 07.20", "Pulang 16.00"; "" for any other request. */
export function correctionAsked(r: { type: string; time?: string | null; event_type?: string | null }): string {
  if (r.type !== "KOREKSI" || !r.time) return "";
  return `${r.event_type === "out" ? "Pulang" : "Masuk"} ${r.time.replace(":", ".")}`;
}

/** A request's type with what a correction asks: "Izin", "Koreksi absen · Masuk 07.20". */
export function requestTitle(r: { type: string; time?: string | null; event_type?: string | null }): string {
  const name = (REQUEST_TYPE_NAMES as Record<string, string>)[r.type] ?? r.type;
  const asked = correctionAsked(r);
  return asked ? `${name} · ${asked}` : name;
}
