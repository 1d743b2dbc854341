// Dates and times as the app shows them: on the regency's clock (the zone GET /v1/me names: Asia/Jakarta,
// Asia/Makassar or Asia/Jayapura), in Indonesian. Never on the phone's own zone: a phone bought in Java and used
// in Papua, or set by hand, would show a check-in hours off and, after midnight, another day than SMART judges.
import { serverNow } from "./servertime";

const ZONE_KEY = "smart.timezone";
/** The zone shown before the phone ever read a profile that names one (SMART_TIMEZONE's default). */
export const DEFAULT_ZONE = "Asia/Jakarta";

interface Formats {
  time: Intl.DateTimeFormat;
  day: Intl.DateTimeFormat;
}

const FORMATS = new Map<string, Formats>();

/** The formats of `zone`, made once (lists call them per row); throws RangeError for a zone the phone cannot read. */
function formats(zone: string): Formats {
  let found = FORMATS.get(zone);
  if (!found) {
    found = {
      time: new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: zone }),
      day: new Intl.DateTimeFormat("en-US", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone }),
    };
    FORMATS.set(zone, found);
  }
  return found;
}

/** The regency's zone as the last profile read named it (kept apart from the profile: a logout keeps it, as the
 * zone is the regency's, not the employee's), or the default. */
export function regencyZone(): string {
  try {
    return localStorage.getItem(ZONE_KEY) ?? DEFAULT_ZONE;
  } catch {
    return DEFAULT_ZONE; // no storage (a test without it, storage refused): the default zone
  }
}

/** Keep the zone a profile named (`timezone` of GET /v1/me); none (an older SMART) or one the phone's browser
 * cannot read changes nothing. */
export function rememberZone(zone: string | undefined): void {
  if (!zone || zone === regencyZone()) return;
  try {
    formats(zone);
  } catch {
    return;
  }
  localStorage.setItem(ZONE_KEY, zone);
}

/** A date as people read it: "Kamis, 3 Desember 2026". */
export function dateText(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  return date.toLocaleDateString("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** A clock time of SMART's ("07:30", a schedule's start or end) as Indonesian writes it, and as `clockOf` shows
 * a check-in beside it: "07.30". */
export function clockText(hhmm: string): string {
  return hhmm.replace(":", ".");
}

/** HH.MM of an ISO instant, on the regency's clock. */
export function clockOf(instant: string | null | undefined): string {
  if (!instant) return "";
  const t = new Date(instant);
  return Number.isNaN(t.getTime()) ? "" : formats(regencyZone()).time.format(t);
}

/** The regency's date (YYYY-MM-DD) of an instant, by default now by SMART's clock; "" for an invalid one. Built from the parts:
 * a locale's own order of them is not the same on every phone's browser. */
export function localDay(t: Date = todayNow()): string {
  if (Number.isNaN(t.getTime())) return "";
  const parts = formats(regencyZone()).day.formatToParts(t);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Now by SMART's clock as far as the phone knows it (servertime.ts): which day it is in the regency, and whether
 * the day kept on the phone still holds, go by it. A zone set by hand is often set with the clock moved to read
 * the local hour, hours off the real instant; the phone's own clock while no answer of SMART told how far off. */
export function todayNow(): Date {
  return new Date(serverNow().at);
}
