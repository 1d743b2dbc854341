// The employee's own events (`GET /v1/attendance/me?from=&to=`) as Riwayat and Home read them: every page of the
// range (API.md: a list answers `{items, next}`), since SMART lists them in the order it received them, oldest
// first, so the newest (today's check-out, Riwayat's last days) come last. The reads take the API call as an
// argument so that the tests give them pages of their own (events.test.ts).
import { pageAt, pagesUpTo } from "../../shared/paging";
import { reasonName } from "../../shared/reasons";
import { outsideHours } from "./answers";
import { localDay } from "./clock";
import type { Marks } from "./day";
import type { AttendanceEvent, Kind, Page, Today } from "./types";

/** The app's API call (`session.call`). */
export type Call = <T>(method: string, path: string, body?: unknown, signal?: AbortSignal) => Promise<T>;

const STATUS: Record<string, string> = { accepted: "Diterima", review: "Menunggu verifikasi admin", refused: "Ditolak" };
const DECISION: Record<string, string> = { approve: "disetujui admin", reject: "ditolak admin", revoke: "dibatalkan admin" };

/** What Riwayat says of an event: SMART's answer; once an admin decided a review, the decision alone (it waits no
 * more); a refusal's reasons; and that one outside the day's hours is kept, not counted (decision 176). */
export function eventStatus(e: AttendanceEvent): string {
  const base = STATUS[e.status ?? ""] ?? e.status ?? "";
  const decided = e.decision ? (DECISION[e.decision] ?? e.decision) : null;
  let said = base;
  if (decided && e.status === "review") said = decided.charAt(0).toUpperCase() + decided.slice(1);
  else if (decided) said = `${base}, ${decided}`;
  else if (e.status === "refused" && e.reasons?.length) said = `${base} (${e.reasons.map(reasonName).join(", ")})`;
  return e.status !== "refused" && outsideHours(e) ? `${said}, di luar jam absen: tidak dihitung` : said;
}

/** Riwayat's events, newest first; `cut` when the read stopped at `MOST_EVENTS` and the newest are missing. */
export interface HistoryRead {
  items: AttendanceEvent[];
  cut: boolean;
}

/** A range's events read at most (a few pages over a phone's weak link): a month of check-ins, check-outs, refused
 * tries and offline retries is far fewer; more is a fault that must not keep the phone reading. */
export const MOST_EVENTS = 1000;

/** Riwayat's days: the last 30 up to today. */
const HISTORY_DAYS = 30;

/** The employee's events received between local days `from` and `to`, oldest first, every page up to
 * `MOST_EVENTS` (`next` not null: the read stopped there). */
export async function ownEvents(call: Call, from: string, to: string, signal?: AbortSignal): Promise<Page<AttendanceEvent>> {
  const path = `/v1/attendance/me?from=${from}&to=${to}`;
  return pagesUpTo((next) => call<Page<AttendanceEvent>>("GET", pageAt(path, next), undefined, signal), MOST_EVENTS);
}

/** "Riwayat": the employee's own check-ins of the last 30 days up to `now`, newest first. */
export async function history(call: Call, now: Date, signal?: AbortSignal): Promise<HistoryRead> {
  const from = new Date(now.getTime() - (HISTORY_DAYS - 1) * 86_400_000);
  const read = await ownEvents(call, localDay(from), localDay(now), signal);
  return { items: [...read.items].reverse(), cut: read.next !== null };
}

/** Today's marks: `today.check_in/check_out` when the API sends them, else today's own events. */
export async function marksOf(call: Call, today: Today, signal?: AbortSignal): Promise<Marks> {
  if (today.check_in !== undefined) return { check_in: today.check_in ?? null, check_out: today.check_out ?? null };
  const read = await ownEvents(call, today.date, today.date, signal);
  const counted = read.items.filter((e) => e.status !== "refused");
  const last = (kind: Kind): AttendanceEvent | null => counted.filter((e) => e.type === kind).pop() ?? null;
  return { check_in: last("in") ?? (today.checked_in ? {} : null), check_out: last("out") };
}
