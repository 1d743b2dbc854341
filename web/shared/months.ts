// Months and days in the words both apps show.

/** A month (YYYY-MM) as people read it: "Desember 2026". */
export function monthText(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleDateString("id-ID", { month: "long", year: "numeric", timeZone: "UTC" });
}

/** A day (YYYY-MM-DD) as people read it: "10 Maret 2026". */
export function dayText(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).toLocaleDateString("id-ID", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** `month` (YYYY-MM) and the `count - 1` months before it, newest first: "2027-01" → "2027-01", "2026-12", ... */
export function recentMonths(month: string, count: number): string[] {
  const [y, m] = month.split("-").map(Number);
  return Array.from({ length: count }, (_, back) => {
    const first = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 - back, 1));
    return `${String(first.getUTCFullYear())}-${String(first.getUTCMonth() + 1).padStart(2, "0")}`;
  });
}
