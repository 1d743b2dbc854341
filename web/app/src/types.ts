// The parts of the API's answers (../shared/docs/API.md, docs/openapi.yaml) that the employee app reads.
import type { ZoneGeometry } from "./area";

export interface TokenAnswer {
  token: string;
  expires_at: string;
}

export type Kind = "in" | "out";

export interface AttendanceEvent {
  event_id?: string;
  type?: Kind;
  status?: "accepted" | "review" | "refused" | string;
  attendance_time?: string;
  received_at?: string;
  zone?: { zone_id: string; name: string } | null;
  warnings?: string[];
  reasons?: string[];
  decision?: string | null;
  /** The deciding admin's note (why a check-in was rejected), in the employee's own events. */
  decision_note?: string | null;
  late_minutes?: number | null;
  early_minutes?: number | null;
  category?: string | null;
}

export interface Today {
  date: string;
  /** From this instant a check-in or check-out counts for the day (absent in a profile kept from an older SMART). */
  opens_at?: string;
  /** Until this instant a check-in or check-out counts for the day (a night shift's: the morning after). */
  closes_at?: string;
  schedule: { start: string; end: string } | null;
  holiday?: string | null;
  leave?: "C" | "I" | "S" | null;
  field_duty?: boolean;
  checked_in?: boolean;
  // Self-service additions of API.md (second wave): read when the API sends them.
  check_in?: AttendanceEvent | null;
  check_out?: AttendanceEvent | null;
  /** The phone's own: a day started from a check-in's answer while GET /v1/me gave none (day.withCheckin): its
   * marks alone are known, not its hours. */
  partial?: boolean;
  status?: string | null;
}

export interface Onboarding {
  activated: boolean;
  /** `last_rejection`: the latest face photo an admin rejected that no newer face replaces (API addition). */
  faces: { approved: number; pending: number; last_rejection?: { note: string | null; rejected_at: string } | null };
}

export interface Profile {
  nip: string;
  nama: string;
  jabatan: string | null;
  unit: { unor_id: string; unor_nama: string | null };
  today: Today;
  enrolled: boolean;
  onboarding?: Onboarding;
  /** The stage's accuracy limit of a fix (SMART_GPS_MAX_ACCURACY_M). */
  gps_max_accuracy_m?: number;
  /** How many hours SMART takes a capture kept on the phone (SMART_OFFLINE_MAX_AGE_H). */
  offline_max_age_h?: number;
  /** The regency's time zone (IANA: Asia/Jakarta, Asia/Makassar or Asia/Jayapura), whose clock the app shows. */
  timezone?: string;
  /** The unit's work zones (field-duty areas of the day are not among them: `today.field_duty`). */
  zones?: { zone_id: string; name: string; geometry?: ZoneGeometry }[];
}

export interface Liveness {
  action: "turn_left" | "turn_right" | "nod" | "blink" | null;
  frames: number;
}

export interface Challenge {
  challenge_id: string;
  issued_at: string;
  expires_at: string;
  liveness?: Liveness | null;
}

export interface CheckinBody {
  type: Kind;
  client_request_id: string;
  challenge_id?: string;
  offline?: boolean;
  captured_at: string;
  /** An offline capture dated by SMART's clock: how far the phone's was moved (s), for the reviewer. */
  clock_correction_s?: number;
  latitude: number;
  longitude: number;
  accuracy_m: number;
  mock_location: boolean;
  photo: string;
  frames?: string[];
}

export interface CheckinAnswer {
  event_id: string;
  status: "accepted" | "review";
  type: Kind;
  attendance_time: string;
  late_minutes: number;
  early_minutes?: number;
  category: string | null;
  warnings: string[];
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface RecapDay {
  date: string;
  status: string | null;
  check_in: string | null;
  check_out: string | null;
  late_minutes: number | null;
  early_minutes: number | null;
}

export interface Recap {
  month: string;
  days: RecapDay[];
  counts: Record<string, number>;
  deduction_percent: number;
}

export type RequestType = "CUTI" | "IZIN" | "SAKIT" | "DL" | "KOREKSI";

/** `GET /v1/me/corrections`: the month's time corrections against the regency's cap (null: no cap). */
export interface CorrectionAllowance {
  month: string;
  limit: number | null;
  approved: number | null;
  pending: number | null;
  remaining: number | null;
}

export interface SelfRequest {
  request_id: string;
  type: RequestType | string;
  start_date: string;
  end_date: string;
  reason: string;
  status: "pending" | "approved" | "rejected" | "cancelled" | string;
  nip?: string;
  /** The employee's own NIP when they withdrew it, "ADMIN" when an admin decided (no admin is named to the
   * employee), null while pending. */
  decided_by?: string | null;
  note?: string | null;
  decision_note?: string | null;
  time?: string | null;
  event_type?: Kind | null;
  /** Whether a file (the letter's photo) came with it. */
  attachment?: boolean;
}
