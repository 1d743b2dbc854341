// How the console writes counts, dates and times: the Indonesian way, on the regency's clock (Asia/Jakarta), whatever
// the admin's machine.

/** A count written the Indonesian way (5.000). */
export function count(n: number): string {
  return n.toLocaleString("id-ID");
}

const TIME = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
const DATETIME = new Intl.DateTimeFormat("id-ID", {
  day: "2-digit",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Asia/Jakarta",
});

export const time = (iso: string | null | undefined): string => (iso ? TIME.format(new Date(iso)) : "–");
export const dateTime = (iso: string | null | undefined): string => (iso ? DATETIME.format(new Date(iso)) : "–");

const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" });

/** The regency's (Asia/Jakarta) date of an instant, YYYY-MM-DD. */
export const localDate = (iso: string): string => DAY.format(new Date(iso));

/** Today in the regency's zone (Asia/Jakarta), YYYY-MM-DD. */
export function today(): string {
  return DAY.format(new Date());
}

/** A check-in time in a day's list; one made on the date before `date` (a night shift still running after
 * midnight, shown under the new date) says so. */
export function arrival(checkIn: string | null, date: string): string {
  return checkIn && localDate(checkIn) < date ? `${time(checkIn)} (kemarin)` : time(checkIn);
}
