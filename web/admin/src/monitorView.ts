// What "Pemantauan" (screens/Monitor.tsx) says of its figures, and where its map puts units that share a spot: the
// screen's pure rules.
import { count } from "./format";
import type { Counts } from "./types";

export const REFRESH_S = 30;

/** The line beside the date: how the figures stay fresh (or that their refresh is paused), when the shown ones
 * came (`okAt`, a time of day), and whether a read is on its way. */
export function refreshLine(okAt: string | null, loading: boolean, paused = false): string {
  const how = paused ? "Pembaruan otomatis dijeda" : `Diperbarui otomatis setiap ${String(REFRESH_S)} detik`;
  return `${how}${okAt ? ` · terakhir diperbarui ${okAt}` : ""}${loading ? " · memuat…" : ""}`;
}

/** What the screen's status line (a polite live region) says once the reads work again after failing
 * (`recoveredAt`, a time of day), or "": the refresh line itself is no live region, as it changes at every refresh
 * and would interrupt a screen reader twice every 30 seconds; a failure is said by the error line (an alert). */
export function recoveryNote(recoveredAt: string | null): string {
  return recoveredAt ? `Pembaruan berjalan lagi sejak ${recoveredAt}.` : "";
}

/** A failed read said plainly: a refresh that failed keeps the figures of `okAt` on screen and says so. */
export function refreshError(error: string | null, okAt: string | null): string | null {
  if (error === null) return null;
  return okAt ? `Gagal memperbarui; angka dari ${okAt}. ${error}` : error;
}

function judged(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
}

/** Every employee judged that day has the day off (a Sunday, a holiday): said, so that zeros are not a mystery. */
export function holidayNote(totals: Counts): string | null {
  const all = judged(totals);
  return all > 0 && (totals.off ?? 0) === all ? "Hari libur: semua pegawai libur pada tanggal ini (akhir pekan, hari libur, atau tanpa jam kerja)." : null;
}

export interface UnitDay {
  counts: Counts;
  /** A day already over: whether a daily recap stored it (the API's `recapped`; null or absent otherwise). */
  recapped?: boolean | null;
}

/** A day over that no recap stored (in every unit shown, or in some): those shown absent are not TK yet, and the
 * way to store it is Rekap → Hitung Ulang. Null when no such unit has anyone absent. */
export function notRecappedNote(units: readonly UnitDay[]): string | null {
  const waiting = units.filter((u) => u.recapped === false && (u.counts.absent ?? 0) > 0);
  if (waiting.length === 0) return null;
  const absent = waiting.reduce((sum, u) => sum + (u.counts.absent ?? 0), 0);
  const where = waiting.length === units.length ? "" : ` di ${count(waiting.length)} dari ${count(units.length)} unit`;
  return (
    `Tanggal ini belum direkap${where}: ${count(absent)} pegawai yang tampil Tidak hadir belum tercatat TK. ` +
    "Untuk merekapnya, buka Rekap, pilih tanggal ini di Rekap harian, lalu tekan Hitung Ulang."
  );
}

/** A unit's marker colour: green when at least 80 % of those with a working day checked in, amber from 50 %, red
 * below; grey when nobody has one (everyone off: a Sunday, a holiday). */
export function markerColour(counts: Counts, employees: number): string {
  const due = employees - (counts.off ?? 0);
  if (due <= 0) return "#7b8794";
  const share = ((counts.present ?? 0) + (counts.late ?? 0)) / due;
  return share >= 0.8 ? "#0b5d3b" : share >= 0.5 ? "#b7791f" : "#b42318";
}

/** Markers this many pixels apart (a marker is 18 px across). */
export const RING_GAP = 22;

/** Pixel offsets from a spot for `n` markers that share it: one stays on the spot; more go on rings around it, the
 * nearest ring first (ring k, k × `gap` out, holds up to ⌊2πk⌋ of them), evenly spread on their ring, none closer
 * than `gap` to another. */
export function ringOffsets(n: number, gap: number = RING_GAP): [number, number][] {
  if (n <= 1) return n === 1 ? [[0, 0]] : [];
  const out: [number, number][] = [];
  for (let ring = 1, left = n; left > 0; ring++) {
    const here = Math.min(Math.floor(2 * Math.PI * ring), left);
    const turn = ring % 2 === 0 ? Math.PI / here : 0; // alternate rings are turned half a step
    for (let i = 0; i < here; i++) {
      const angle = -Math.PI / 2 + turn + (2 * Math.PI * i) / here;
      out.push([Math.round(ring * gap * Math.cos(angle) * 10) / 10, Math.round(ring * gap * Math.sin(angle) * 10) / 10]);
    }
    left -= here;
  }
  return out;
}

export interface Spot<T> {
  at: [number, number];
  items: T[];
}

/** Items by the spot they are drawn at (`where`: latitude and longitude, or null: not drawn), spots that lie within a
 * metre or so of each other taken as one; items in their given order. */
export function spots<T>(items: readonly T[], where: (item: T) => [number, number] | null): Spot<T>[] {
  const found = new Map<string, Spot<T>>();
  for (const item of items) {
    const at = where(item);
    if (!at) continue;
    const key = `${at[0].toFixed(5)},${at[1].toFixed(5)}`;
    const spot = found.get(key);
    if (spot) spot.items.push(item);
    else found.set(key, { at, items: [item] });
  }
  return [...found.values()];
}
