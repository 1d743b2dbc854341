// How the console writes counts, dates and times: the Indonesian way, on the regency's clock (the zone the login
// answer names: Asia/Jakarta, Asia/Makassar or Asia/Jayapura), whatever the admin's machine.
import { dayText } from "../../shared/months";

/** A count written the Indonesian way (5.000). */
export function count(n: number): string {
  return n.toLocaleString("id-ID");
}

const DECIMALS = new Map<number, Intl.NumberFormat>();

/** A number with at most `digits` decimals, written the Indonesian way as in the console's files: a decimal comma
 * and thousands points (1,5; 0,88; 1.234,5), no trailing zeros, never "-0". */
export function decimal(x: number, digits: number): string {
  let format = DECIMALS.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("id-ID", { maximumFractionDigits: digits });
    DECIMALS.set(digits, format);
  }
  const text = format.format(x);
  return /^-0(,0*)?$/.test(text) ? "0" : text;
}

/** A face score and its threshold as the console writes them: two decimals ("0,88", as on an employee's page),
 * more (up to four) only where two would show a score that is not its threshold as equal to it ("0,709" against
 * "0,71"). */
export function scoreAgainst(score: number, threshold: number): [string, string] {
  let digits = 2;
  while (digits < 4 && score !== threshold && decimal(score, digits) === decimal(threshold, digits)) digits += 1;
  return [decimal(score, digits), decimal(threshold, digits)];
}

/** The zone a session saved before the login answer named one is shown in. */
export const DEFAULT_ZONE = "Asia/Jakarta";

/** Indonesia's three zones as people name them; another zone goes by its IANA name. */
const ZONE_NAMES: Record<string, string> = { "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

function formats(timeZone: string): { time: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat; day: Intl.DateTimeFormat; clock: Intl.DateTimeFormat } {
  return {
    time: new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", timeZone }),
    dateTime: new Intl.DateTimeFormat("id-ID", { day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone }),
    day: new Intl.DateTimeFormat("en-CA", { timeZone }),
    clock: new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }),
  };
}

let zone = DEFAULT_ZONE;
let FORMAT = formats(zone);

/** Show everything on `timeZone`'s clock from now on (the session's zone; the default when it names none). */
export function setZone(timeZone: string | undefined): void {
  const next = timeZone ?? DEFAULT_ZONE;
  if (next === zone) return;
  FORMAT = formats(next);
  zone = next;
}

/** The regency's zone as people name it: "WIB", "WITA" or "WIT". */
export const zoneName = (): string => ZONE_NAMES[zone] ?? zone;

export const time = (iso: string | null | undefined): string => (iso ? FORMAT.time.format(new Date(iso)) : "–");
export const dateTime = (iso: string | null | undefined): string => (iso ? FORMAT.dateTime.format(new Date(iso)) : "–");

/** The regency's date of an instant, YYYY-MM-DD. */
export const localDate = (iso: string): string => FORMAT.day.format(new Date(iso));

/** How far SMART's clock is ahead of this computer's (ms; the session's, measured at login): an office laptop's clock
 * set by hand in the wrong zone runs hours off, and the console goes by SMART's. */
let clockOffset = 0;

/** Go by SMART's clock, `offsetMs` ahead of this computer's, from now on (the session's; none known: 0). */
export function setClockOffset(offsetMs: number | undefined): void {
  clockOffset = offsetMs ?? 0;
}

/** Now by SMART's clock (ms since the epoch). */
export const serverNow = (): number => Date.now() + clockOffset;

/** Today in the regency's zone by SMART's clock, YYYY-MM-DD. */
export function today(): string {
  return FORMAT.day.format(new Date(serverNow()));
}

const MOST_LIST_DAYS = 366; // the longest range of an admin list of dates (the API's `query_period`)
const DAY_MS = 86_400_000;

/** `day` (YYYY-MM-DD) moved by `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `start` to `end` (YYYY-MM-DD) as people read them (`months.dayText`), as every screen of the console
 * shows them (inputs, sort keys and API calls keep YYYY-MM-DD): "3 Desember 2026 – 4 Desember 2026", or the one
 * day. */
export function daysText(start: string, end: string): string {
  return start === end ? dayText(start) : `${dayText(start)} – ${dayText(end)}`;
}

/** A list's range `from`..`to` (YYYY-MM-DD) widened to hold the dates just saved (`saved`: a leave recorded for
 * next week is shown once saved, not left outside the list that said "tercatat"), or the saved dates alone when the
 * widened range would pass the API's longest. */
export function rangeHolding(range: readonly [string, string], saved: readonly [string, string]): [string, string] {
  const from = range[0] && range[0] <= saved[0] ? range[0] : saved[0];
  const to = range[1] && range[1] >= saved[1] ? range[1] : saved[1];
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  return days > MOST_LIST_DAYS ? [saved[0], saved[1]] : [from, to];
}

/** Now in the regency's zone by SMART's clock, "YYYY-MM-DDTHH:MM": it compares as text with a local wall time
 * (when a sheet turns final, `provisional.ts`). */
export function localNow(): string {
  const now = new Date(serverNow());
  return `${FORMAT.day.format(now)}T${FORMAT.clock.format(now)}`;
}

/** A check-in time in a day's list; one made on the date before `date` (a night shift still running after
 * midnight, shown under the new date) says so. */
export function arrival(checkIn: string | null, date: string): string {
  return checkIn && localDate(checkIn) < date ? `${time(checkIn)} (kemarin)` : time(checkIn);
}

const MINUTE_MS = 60_000;

/** A span of whole minutes the Indonesian way: "1 hari 2 jam 5 menit", "3 jam", "12 menit". */
function span(minutes: number): string {
  const parts: [number, string][] = [
    [Math.floor(minutes / 1440), "hari"],
    [Math.floor((minutes % 1440) / 60), "jam"],
    [minutes % 60, "menit"],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${count(n)} ${unit}`)
    .join(" ");
}

/** How long after its photo was taken (by the phone's clock) an offline capture reached SMART, as the reviewer
 * reads it: "dikirim 3 jam 12 menit setelah foto diambil". A photo dated after its arrival (the phone's clock
 * ahead of SMART's) says so instead. */
/** What the reviewer reads of an offline capture the app dated by SMART's clock (`clock_correction_s`): how far the
 * phone's clock was off, and that the time shown is already moved ("jam ponsel terlambat 8 menit; …"); null when
 * the phone's own clock dated it. */
export function clockMoved(seconds: number | null | undefined): string | null {
  if (!seconds) return null;
  const minutes = Math.round(Math.abs(seconds) / 60);
  const by = minutes ? span(minutes) : `${count(Math.abs(seconds))} detik`;
  const phone = seconds > 0 ? `jam ponsel terlambat ${by}` : `jam ponsel ${by} lebih cepat`;
  return `${phone}; waktu ini sudah disesuaikan aplikasi ke jam SMART`;
}

export function sentAfter(capturedAt: string, receivedAt: string): string {
  const minutes = Math.trunc((Date.parse(receivedAt) - Date.parse(capturedAt)) / MINUTE_MS);
  if (minutes < 0) return `foto bertanggal ${span(-minutes)} sesudah diterima (jam ponsel tidak tepat)`;
  return minutes === 0 ? "dikirim kurang dari 1 menit setelah foto diambil" : `dikirim ${span(minutes)} setelah foto diambil`;
}
