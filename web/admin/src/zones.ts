// The zones' geometry as the console's maps read it: each zone asked once per page load, and many at once in
// one read of the whole list (`GET /v1/admin/zones?geometry=true`) rather than one request each.
import { pagesUpTo, queryAt, type Page } from "../../shared/paging";
import { get } from "./session";
import type { Zone } from "./types";

const zones = new Map<string, Promise<Zone>>();

/** A zone with its geometry, asked once per page load. */
export function zone(zoneId: string): Promise<Zone> {
  let z = zones.get(zoneId);
  if (!z) {
    z = get<Zone>(`/v1/admin/zones/${encodeURIComponent(zoneId)}`);
    z.catch(() => zones.delete(zoneId));
    zones.set(zoneId, z);
  }
  return z;
}

export function forgetZone(zoneId: string): void {
  zones.delete(zoneId);
}

/** Every zone the caller may see, with its geometry, in one read (`GET /v1/admin/zones?geometry=true`); the
 * single reads of this page load are answered from it afterwards. */
export async function allZones(signal?: AbortSignal): Promise<Zone[]> {
  const page = await get<{ items: Zone[] }>("/v1/admin/zones", { geometry: "true" }, signal);
  for (const z of page.items) zones.set(z.zone_id, Promise.resolve(z));
  return page.items;
}

/** More zones not read yet than this are read with the whole list (a regency's map: hundreds of units), not one
 * request each. */
const MANY = 10;
let everything: Promise<unknown> | null = null;

/** The zones of `ids` that can be read (a deleted or hidden zone is left out). */
export async function zonesOf(ids: string[]): Promise<Zone[]> {
  if (ids.filter((id) => !zones.has(id)).length > MANY) {
    everything ??= allZones().catch(() => (everything = null));
    await everything;
  }
  const answers = await Promise.allSettled(ids.map(zone));
  return answers.flatMap((a) => (a.status === "fulfilled" ? [a.value] : []));
}

/** The zones of each unit, asked together: a regency's map of hundreds of units is one read of the list, not
 * one (under the bulk threshold) per unit. */
export async function zonesByUnit(units: readonly { unor_id: string; zone_ids: string[] }[]): Promise<Map<string, Zone[]>> {
  const read = new Map((await zonesOf([...new Set(units.flatMap((u) => u.zone_ids))])).map((z) => [z.zone_id, z]));
  return new Map(units.map((u) => [u.unor_id, u.zone_ids.flatMap((id) => read.get(id) ?? [])]));
}

// --- a zone's shape typed rather than clicked (no base map, no mouse) --------------------------------------

export type Point = [number, number];

const NUMBER = String.raw`[+-]?\d+(?:[.,]\d+)?`;
const PAIR = new RegExp(String.raw`^[([]?\s*(${NUMBER})\s*(?:[,;]\s*|\s+)(${NUMBER})\s*[)\]]?$`);
const EXAMPLE = "-6.8468, 107.4857";

/** One coordinate as typed: a decimal point or a decimal comma ("-6,8468"), a typographic minus; null if not
 * a number. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/[\u2212\u2013]/g, "-");
  if (!new RegExp(`^${NUMBER}$`).test(t)) return null;
  const n = Number(t.replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

/** A "lat, lon" pair as phone map apps copy it ("-6.8468, 107.4857"; also with a decimal comma, "-6,8468,
 * 107,4857", a semicolon or a space between, or in brackets); null when the text is not two numbers. A single
 * number with a decimal comma ("-6,8468") is one number, not a pair. */
export function parsePair(text: string): Point | null {
  const t = text.trim().replace(/[\u2212\u2013]/g, "-");
  if (parseNumber(t) !== null) return null;
  const m = PAIR.exec(t);
  const lat = m?.[1] !== undefined ? parseNumber(m[1]) : null;
  const lon = m?.[2] !== undefined ? parseNumber(m[2]) : null;
  return lat === null || lon === null ? null : [lat, lon];
}

/** What is wrong with a point, in the console's words; null when it is a point on Earth (SMART itself says
 * whether it is inside the regency's area). Swapped numbers, common when copying, are named as such. */
export function pointProblem(lat: number, lon: number): string | null {
  const inIndonesia = (la: number, lo: number): boolean => la >= -11.5 && la <= 6.5 && lo >= 94.5 && lo <= 141.5;
  if (!inIndonesia(lat, lon) && inIndonesia(lon, lat))
    return `Lintang dan bujur tertukar? Lintang dahulu, lalu bujur, misalnya ${EXAMPLE} (di Indonesia lintang antara -11 dan 6, bujur antara 95 dan 141).`;
  if (lat < -90 || lat > 90) return "Lintang harus di antara -90 dan 90.";
  if (lon < -180 || lon > 180) return "Bujur harus di antara -180 dan 180.";
  return null;
}

/** A circle's centre from the "Lintang" and "Bujur" fields: the point, or what is wrong (null: not filled in). */
export function parseCentre(latText: string, lonText: string): { point: Point | null; problem: string | null } {
  if (!latText.trim() && !lonText.trim()) return { point: null, problem: null };
  const lat = parseNumber(latText);
  const lon = parseNumber(lonText);
  if (lat === null) return { point: null, problem: `Lintang harus berupa angka, misalnya -6.8468 (minus untuk lintang selatan).` };
  if (lon === null) return { point: null, problem: `Bujur harus berupa angka, misalnya 107.4857.` };
  const problem = pointProblem(lat, lon);
  return problem ? { point: null, problem } : { point: [lat, lon], problem: null };
}

/** A polygon's corners typed one "lat, lon" per line (blank lines skipped): the points, or the first bad line. */
export function parseVertices(text: string): { points: Point[]; problem: string | null } {
  const points: Point[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim().replace(/,$/, "");
    if (!line) continue;
    const p = parsePair(line);
    const problem = p ? pointProblem(p[0], p[1]) : `tulis lintang dan bujur dipisah koma, misalnya ${EXAMPLE}.`;
    if (problem || !p) return { points, problem: `Baris ${String(i + 1)}: ${problem ?? ""}` };
    points.push(p);
  }
  return { points, problem: null };
}

/** A coordinate as the fields show it: a decimal point, at most 7 decimals (about 1 cm), no trailing zeros. */
export function coordinateText(n: number): string {
  return String(Number(n.toFixed(7)));
}

export function pointText(p: Point): string {
  return `${coordinateText(p[0])}, ${coordinateText(p[1])}`;
}

/** A radius in metres as typed (a decimal comma too; "1.000" is a thousand, as written in Indonesian: no radius
 * is a metre and a fraction to three decimals); null unless a number above 0. */
export function parseRadius(text: string): number | null {
  const t = text.trim();
  const n = parseNumber(/^\d{1,3}(\.\d{3})+$/.test(t) ? t.replace(/\./g, "") : t);
  return n !== null && n > 0 ? n : null;
}

// --- field-duty letters: who and which letter --------------------------------------------------------------

/** A letter's number as the list shows it: the number a letter made by approving an employee's request gets
 * ("PENGAJUAN r-…", no letter of its own) reads "Dari pengajuan pegawai". */
export function letterLabel(letterNo: string): string {
  return /^PENGAJUAN r-[0-9a-z]+$/i.test(letterNo.trim()) ? "Dari pengajuan pegawai" : letterNo;
}

/** The employees' list is paged by this many (chalicelib/usecases/paging.py PAGE_SIZE). */
const EMPLOYEE_PAGE = 100;
/** Reads sent at once. */
const PARALLEL = 4;

const names = new Map<string, string>(); // NIP -> name, this page load
const askedAlone = new Set<string>(); // NIPs read by themselves this page load (found or not: not asked again)

export type NameRead = { unor_id: string } | { nip: string };

/** Which reads name the employees of `letters`: per unit, whichever takes fewer requests, the unit's list (one
 * request per 100 employees, `units` say how many) or its NIPs one by one (`?q=<NIP>`); NIPs named already are
 * not asked again. Never one read per row. */
export function nameReads(letters: readonly { unor_id: string; nips: string[] }[], units: readonly { unor_id: string; employee_count: number }[]): NameRead[] {
  const byUnit = new Map<string, Set<string>>();
  for (const a of letters)
    for (const nip of a.nips) {
      if (names.has(nip) || askedAlone.has(nip)) continue;
      const set = byUnit.get(a.unor_id) ?? new Set<string>();
      set.add(nip);
      byUnit.set(a.unor_id, set);
    }
  const sizes = new Map(units.map((u) => [u.unor_id, u.employee_count]));
  const reads: NameRead[] = [];
  for (const [unorId, nips] of byUnit) {
    const size = sizes.get(unorId);
    const pages = size === undefined ? Infinity : Math.max(1, Math.ceil(size / EMPLOYEE_PAGE));
    if (nips.size < pages) reads.push(...[...nips].sort().map((nip) => ({ nip })));
    else reads.push({ unor_id: unorId });
  }
  return reads;
}

interface Person {
  nip: string;
  nama: string;
}

/** The names of one read: every page of a unit's list, or the first page of a search by NIP. Each page's names
 * are kept as it arrives, so a read failing later keeps what it found. */
async function readNames(read: NameRead, signal?: AbortSignal): Promise<void> {
  const query: Record<string, string> = "nip" in read ? { q: read.nip } : { unor_id: read.unor_id };
  const page = (next: string | null): Promise<Page<Person>> => get<Page<Person>>("/v1/admin/employees", queryAt(query, next), signal);
  await pagesUpTo(page, "nip" in read ? 0 : Infinity, (sofar) => {
    for (const p of sofar.items) names.set(p.nip, p.nama);
  });
  if ("nip" in read) askedAlone.add(read.nip);
}

async function inTurn(reads: NameRead[], signal?: AbortSignal): Promise<void> {
  const queue = [...reads];
  const worker = async (): Promise<void> => {
    for (let r = queue.shift(); r; r = queue.shift()) await readNames(r, signal);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
}

/** The names of the employees of `letters` (NIP -> name), read once per page load: see `nameReads`; a NIP its
 * letter's unit no longer lists (the employee moved) is then asked by itself. */
export async function employeeNames(
  letters: readonly { unor_id: string; nips: string[] }[],
  units: readonly { unor_id: string; employee_count: number }[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  await inTurn(nameReads(letters, units), signal);
  const left = [...new Set(letters.flatMap((a) => a.nips))].filter((nip) => !names.has(nip) && !askedAlone.has(nip));
  await inTurn(left.map((nip) => ({ nip })), signal);
  return new Map(names);
}
