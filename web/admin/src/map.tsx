// Leaflet maps of the console. Units and zones are vector layers drawn from the API's geometry, so a map is
// useful with no base map at all (this regency's offices often have no internet beyond SMART itself): tiles
// come from a configurable URL (`VITE_SMART_TILE_URL` at build time; OpenStreetMap's by default) and a tile
// that cannot load only shows a notice.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "preact/hooks";
import { get } from "./session";
import type { Geometry, Zone } from "./types";

const TILE_URL: string =
  (import.meta.env["VITE_SMART_TILE_URL"] as string | undefined) ?? "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const ATTRIBUTION = "&copy; kontributor OpenStreetMap";
const INDONESIA: L.LatLngExpression = [-2.5, 118];

export type Draw = (map: L.Map, layer: L.FeatureGroup) => void;

/** A map whose vector content is `draw`n again whenever `drawKey` changes; fitted to it when `fit`. */
export function MapView(p: { label: string; draw: Draw; drawKey: string; fit?: boolean; class?: string; onMap?: (m: L.Map) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.FeatureGroup | null>(null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const onMap = useRef(p.onMap);
  onMap.current = p.onMap;

  useEffect(() => {
    if (!box.current) return;
    const m = L.map(box.current, { center: INDONESIA, zoom: 5, preferCanvas: false });
    const tiles = L.tileLayer(TILE_URL, { maxZoom: 19, attribution: ATTRIBUTION });
    tiles.on("tileerror", () => setTilesFailed(true));
    tiles.addTo(m);
    layer.current = L.featureGroup().addTo(m);
    map.current = m;
    onMap.current?.(m);
    return () => {
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    const g = layer.current;
    if (!m || !g) return;
    g.clearLayers();
    p.draw(m, g);
    if (p.fit !== false && g.getLayers().length > 0) {
      const bounds = g.getBounds();
      if (bounds.isValid()) m.fitBounds(bounds, { padding: [20, 20], maxZoom: 18, animate: false });
    }
  }, [p.drawKey]);

  return (
    <figure class={`map ${p.class ?? ""}`}>
      <div ref={box} class="map-box" role="region" aria-label={p.label} />
      {tilesFailed ? (
        <figcaption class="hint">Peta dasar tidak dapat dimuat (tidak ada internet); unit dan zona tetap ditampilkan.</figcaption>
      ) : null}
    </figure>
  );
}

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

export function shapeOf(g: Geometry, style: L.PathOptions): L.Layer | null {
  if (g.circle) return L.circle([g.circle.lat, g.circle.lon], { ...style, radius: g.circle.radius_m });
  if (g.polygon) {
    const rings = [g.polygon, ...(g.holes ?? [])].map((r) => r.map(([lat, lon]) => L.latLng(lat ?? 0, lon ?? 0)));
    return L.polygon(rings, style);
  }
  return null;
}

export function centreOf(g: Geometry): L.LatLng | null {
  if (g.circle) return L.latLng(g.circle.lat, g.circle.lon);
  if (g.polygon && g.polygon.length > 0) {
    const n = g.polygon.length;
    const lat = g.polygon.reduce((s, p) => s + (p[0] ?? 0), 0) / n;
    const lon = g.polygon.reduce((s, p) => s + (p[1] ?? 0), 0) / n;
    return L.latLng(lat, lon);
  }
  return null;
}

export const ZONE_STYLE: L.PathOptions = { color: "#0b5d3b", weight: 2, fillOpacity: 0.15 };

export { L };
