// An employee's request (pengajuan) in the words both apps show: the employee's own list and the console's.

import { monthText } from "./months";

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

const OWN_STATUS: Record<string, string> = {
  pending: "Menunggu keputusan admin",
  approved: "Disetujui",
  rejected: "Ditolak",
  cancelled: "Dibatalkan",
};

/** A request's state as its employee reads it (`GET /v1/me/requests`): a cancelled one the employee did not
 * withdraw (`decided_by` is not their NIP) is an approval an admin took back. */
export function ownStatusText(r: { status: string; nip?: string; decided_by?: string | null }): string {
  if (r.status === "cancelled" && r.decided_by && r.decided_by !== r.nip) return "Persetujuan dibatalkan admin";
  return OWN_STATUS[r.status] ?? r.status;
}

/** An employee's approved corrections of a month against the regency's cap, as an admin list carries them. */
export interface MonthCorrections {
  month: string;
  limit: number;
  approved: number;
}

/** What an admin deciding a correction should know of its month: "Koreksi Maret 2026 yang sudah disetujui: 1
 * dari 2.", or that approving it would pass the cap. */
export function monthCorrectionsText(c: MonthCorrections): string {
  const month = monthText(c.month);
  if (c.approved >= c.limit) return `Batas koreksi ${month} sudah tercapai (${c.approved} dari ${c.limit}): persetujuan akan ditolak sistem.`;
  return `Koreksi ${month} yang sudah disetujui: ${c.approved} dari ${c.limit}.`;
}

/** Who decided a request and when, as an admin list carries it. */
export interface RequestDecided {
  status: string;
  decided_by?: string | null;
  decided_at?: string | null;
  approved_by?: string | null;
  approved_at?: string | null;
}

/** Who decided a request, for an admin's list (`when` writes an instant): "budi (10 Mar 2026, 09.00)"; a revoked
 * one names who had approved it too; "–" while pending. */
export function decidedText(r: RequestDecided, when: (iso: string) => string): string {
  const by = (who: string | null | undefined, at: string | null | undefined): string => `${who ?? "–"}${at ? ` (${when(at)})` : ""}`;
  if (r.status === "revoked") return `Disetujui ${by(r.approved_by, r.approved_at)}; dibatalkan ${by(r.decided_by, r.decided_at)}`;
  if (r.status === "cancelled") return `Dibatalkan pegawai${r.decided_at ? ` (${when(r.decided_at)})` : ""}`;
  return r.decided_by ? by(r.decided_by, r.decided_at) : "–";
}
