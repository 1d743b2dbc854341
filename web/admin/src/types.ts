// The API answers the console reads (API.md), as far as the screens use them.

export type Counts = Partial<Record<"present" | "late" | "not_yet" | "absent" | "leave" | "field_duty" | "off", number>>;

export interface Unit {
  unor_id: string;
  unor_nama: string;
  zone_ids: string[];
  employee_count: number;
  activated_count?: number;
  enrolled_count?: number;
}

export interface UnitSummary {
  unor_id: string;
  unor_nama: string;
  employee_count: number;
  counts: Counts;
}

export interface Summary {
  date: string;
  totals: Counts;
  units: UnitSummary[];
}

export interface MonitorItem {
  nip: string;
  nama: string;
  state: string;
  check_in: string | null;
}

export interface Monitor {
  date: string;
  unor_id: string;
  counts: Counts;
  items: MonitorItem[];
}

export interface ZoneRef {
  zone_id: string;
  name: string;
}

export interface Evidence {
  event_id: string;
  nip: string;
  nama?: string;
  unor_id: string;
  type: string;
  status?: string;
  attendance_time: string;
  received_at?: string | null;
  /** An offline capture whose time the app moved from the phone's clock to SMART's: by how much (s). */
  clock_correction_s?: number | null;
  reasons: string[];
  warnings?: string[];
  face: { score: number; threshold: number } | null;
  latitude?: number | null;
  longitude?: number | null;
  accuracy_m?: number | null;
  zone: ZoneRef | null;
  selfie_url?: string | null;
  enrolment_urls?: string[];
  code?: string;
  /** A refused attempt's details as the phone was told them (OUTSIDE_ZONE: zones, nearest_zone, distance_m). */
  details?: Record<string, string | number | boolean>;
}

export interface Employee {
  nip: string;
  nama: string;
  unor_id: string;
  jabatan: string | null;
  active: boolean;
  enrolled: boolean;
  device_bound: boolean;
  /** A face waits for an admin's decision (absent from an API before the field). */
  face_pending?: boolean;
  /** A face was rejected and none is approved or waits: the employee must enrol again. */
  face_rejected?: boolean;
}

export interface Circle {
  lat: number;
  lon: number;
  radius_m: number;
}

export interface Geometry {
  polygon?: number[][];
  holes?: number[][][];
  circle?: Circle;
}

export interface ZoneSummary {
  zone_id: string;
  name: string;
  kind: "polygon" | "circle";
  resolution: number;
  cell_count: number;
  version: number;
  purpose?: string;
}

export interface Zone extends ZoneSummary {
  geometry: Geometry;
}

export interface FaceTemplate {
  template_id: string;
  created_at: string | null;
  created_by: string | null;
  photo_url: string;
  status?: "approved" | "pending" | "rejected";
  nip?: string;
  nama?: string;
}

export type Week = Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", { start: string; end: string }>>;

export interface ScheduleVersion {
  effective_from: string;
  created_at: string;
  created_by: string;
  days: Week;
}
