// The parts of the API's answers (../shared/docs/API.md, docs/openapi.yaml) that the employee app reads.

export interface TokenAnswer {
  token: string;
  expires_at: string;
}

export interface AttendanceEvent {
  attendance_time?: string;
  status?: string;
}

export interface Today {
  date: string;
  schedule: { start: string; end: string } | null;
  holiday?: string | null;
  leave?: "C" | "I" | "S" | null;
  field_duty?: boolean;
  checked_in?: boolean;
  // Self-service additions of API.md (second wave): read when the API sends them.
  check_in?: AttendanceEvent | null;
  check_out?: AttendanceEvent | null;
  status?: string | null;
}

export interface Profile {
  nip: string;
  nama: string;
  jabatan: string | null;
  unit: { unor_id: string; unor_nama: string | null };
  today: Today;
  enrolled: boolean;
}
