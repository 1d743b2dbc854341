// The zones' geometry as the console's maps read it: each zone asked once per page load, and many at once in
// one read of the whole list (`GET /v1/admin/zones?geometry=true`) rather than one request each.
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
