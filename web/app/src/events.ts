// The employee's own events (`GET /v1/attendance/me?from=&to=`) as Riwayat and Home read them. The reads take the
// API call as an argument so that the tests give them pages of their own (events.test.ts).
import { localDay } from "./clock";
import type { Marks } from "./day";
import type { AttendanceEvent, Kind, Page, Today } from "./types";

/** The app's API call (`session.call`). */
export type Call = <T>(method: string, path: string, body?: unknown, signal?: AbortSignal) => Promise<T>;

/** Riwayat's events, newest first. */
export interface History {
  items: AttendanceEvent[];
}

/** Riwayat's days: the last 30 up to today. */
const HISTORY_DAYS = 30;

/** The employee's events received between local days `from` and `to`. */
export async function ownEvents(call: Call, from: string, to: string, signal?: AbortSignal): Promise<Page<AttendanceEvent>> {
  return call<Page<AttendanceEvent>>("GET", `/v1/attendance/me?from=${from}&to=${to}`, undefined, signal);
}

/** "Riwayat": the employee's own check-ins of the last 30 days up to `now`, newest first. */
export async function history(call: Call, now: Date, signal?: AbortSignal): Promise<History> {
  const from = new Date(now.getTime() - (HISTORY_DAYS - 1) * 86_400_000);
  const read = await ownEvents(call, localDay(from), localDay(now), signal);
  return { items: [...read.items].reverse() };
}

/** Today's marks: `today.check_in/check_out` when the API sends them, else today's own events. */
export async function marksOf(call: Call, today: Today, signal?: AbortSignal): Promise<Marks> {
  if (today.check_in !== undefined) return { check_in: today.check_in ?? null, check_out: today.check_out ?? null };
  const read = await ownEvents(call, today.date, today.date, signal);
  const counted = read.items.filter((e) => e.status !== "refused");
  const last = (kind: Kind): AttendanceEvent | null => counted.filter((e) => e.type === kind).pop() ?? null;
  return { check_in: last("in") ?? (today.checked_in ? {} : null), check_out: last("out") };
}
