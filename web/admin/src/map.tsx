// Leaflet maps of the console. Units and zones are vector layers drawn from the API's geometry, so a map is
// useful with no base map at all (this regency's offices often have no internet beyond SMART itself): tiles
// come from a configurable URL (`VITE_SMART_TILE_URL` at build time; OpenStreetMap's by default for maps of public
// places, none for a map of a person's position, since a tile request tells its server where the map looks:
// tiles.ts) and a tile that cannot load only shows a notice.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "preact/hooks";
import { baseMapNote, tileUrl } from "./tiles";
import type { Geometry } from "./types";

const CONFIGURED_TILES = import.meta.env["VITE_SMART_TILE_URL"] as string | undefined;
const ATTRIBUTION = "&copy; kontributor OpenStreetMap";
const INDONESIA: L.LatLngExpression = [-2.5, 118];

export type Draw = (map: L.Map, layer: L.FeatureGroup) => void;

/** A map whose vector content is `draw`n again whenever `drawKey` changes; fitted to it when `fit`. */
/** `personal`: the map shows where a person was (no third party's tiles, tiles.ts). */
export function MapView(p: {
  label: string;
  draw: Draw;
  drawKey: string;
  fit?: boolean;
  class?: string;
  personal?: boolean;
  onMap?: (m: L.Map) => void;
}) {
  const tileTemplate = tileUrl(CONFIGURED_TILES, p.personal === true);
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.FeatureGroup | null>(null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const onMap = useRef(p.onMap);
  onMap.current = p.onMap;

  useEffect(() => {
    if (!box.current) return;
    const m = L.map(box.current, { center: INDONESIA, zoom: 5, preferCanvas: false });
    if (tileTemplate !== null) {
      const tiles = L.tileLayer(tileTemplate, { maxZoom: 19, attribution: ATTRIBUTION });
      tiles.on("tileerror", () => setTilesFailed(true));
      tiles.addTo(m);
    }
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

  const note = baseMapNote(tileTemplate, tilesFailed);
  return (
    <figure class={`map ${p.class ?? ""}`}>
      <div ref={box} class="map-box" role="region" aria-label={p.label} />
      {note ? <figcaption class="hint">{note}</figcaption> : null}
    </figure>
  );
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

/** `layer` with a tooltip of plain text. Leaflet puts a string tooltip in as HTML, and what the console names on a
 * map is data: zone names and letter numbers typed by admins ("Dinas luar <img …>"), unit names from SIMPEG. */
export function textTooltip<T extends L.Layer>(layer: T, text: string): T {
  const node = document.createElement("span");
  node.textContent = text;
  layer.bindTooltip(node);
  return layer;
}

export const ZONE_STYLE: L.PathOptions = { color: "#0b5d3b", weight: 2, fillOpacity: 0.15 };

export { L };
