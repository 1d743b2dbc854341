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
export function sentAfter(capturedAt: string, receivedAt: string): string {
  const minutes = Math.trunc((Date.parse(receivedAt) - Date.parse(capturedAt)) / MINUTE_MS);
  if (minutes < 0) return `foto bertanggal ${span(-minutes)} sesudah diterima (jam ponsel tidak tepat)`;
  return minutes === 0 ? "dikirim kurang dari 1 menit setelah foto diambil" : `dikirim ${span(minutes)} setelah foto diambil`;
}
