// Months in the words both apps show.

/** A month (YYYY-MM) as people read it: "Desember 2026". */
export function monthText(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleDateString("id-ID", { month: "long", year: "numeric", timeZone: "UTC" });
}
