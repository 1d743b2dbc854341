// Dates and times as the phone shows them: in its own time zone, in Indonesian.

/** A date as people read it: "Kamis, 3 Desember 2026". */
export function dateText(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  return date.toLocaleDateString("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** HH:MM of an ISO instant, in the phone's time zone. */
export function clockOf(instant: string | null | undefined): string {
  if (!instant) return "";
  const t = new Date(instant);
  return Number.isNaN(t.getTime()) ? "" : t.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" });
}

/** The phone's own date (YYYY-MM-DD). */
export function localDay(t: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}
