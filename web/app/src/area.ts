// Whether every place a vague GPS fix could be lies inside a drawn work zone. SMART takes a fix less accurate than
// its limit (SMART_GPS_MAX_ACCURACY_M) when its whole accuracy circle lies inside one of the employee's zones
// (chalicelib/geo/shapes.contains_disc, decision 595): a teacher indoors in a large compound, whose phone says
// ±150 m, is inside whichever of those places they are. The app mirrors the server's test so that it lets such a
// fix be sent instead of asking the teacher to step outside, with a margin so that it never sends one the server
// would refuse.

/** A zone's shape as `/v1/me` gives it ([lat, lon] points; `chalicelib/usecases/schemas/zones.Geometry`). */
export interface ZoneGeometry {
  polygon?: number[][];
  holes?: number[][][];
  circle?: { lat: number; lon: number; radius_m: number };
}

/** The earth's mean radius, as SMART's geo module measures with (`geo/earth.EARTH_RADIUS_M`). */
const EARTH_RADIUS_M = 6_371_008.8;
const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;
/** How much further the circle must stay inside than SMART asks: the two sides compute in other floating-point
 * orders, and the fix moves between the screen's test and the server's. */
export const SAFETY_M = 10;

type XY = [number, number];

/** Great-circle distance in metres (`geo/earth.haversine_m`). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ray casting on [lat, lon] as SMART does it (`geo/shapes.ring_contains`). */
function ringContains(ring: number[][], lat: number, lon: number): boolean {
  let inside = false;
  ring.forEach(([lat1 = 0, lon1 = 0], i) => {
    const [lat2 = 0, lon2 = 0] = ring[(i + 1) % ring.length] ?? [];
    if (lon1 > lon !== lon2 > lon && lat < lat1 + ((lon - lon1) * (lat2 - lat1)) / (lon2 - lon1)) inside = !inside;
  });
  return inside;
}

/** Planar distance from the origin to segment ab (`geo/earth.segment_distance`). */
function originToSegment(a: XY, b: XY): number {
  const [abx, aby] = [b[0] - a[0], b[1] - a[1]];
  const length2 = abx * abx + aby * aby;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(a[0] * abx + a[1] * aby) / length2));
  return Math.hypot(a[0] + t * abx, a[1] + t * aby);
}

/** Metres from (lat, lon) to the nearest edge of any of `rings`, in an equirectangular frame around the point
 * (`geo/earth.LocalFrame`: exact to well under a millimetre a kilometre at a zone's size). */
function distanceToEdges(rings: number[][][], lat: number, lon: number): number {
  const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
  const xy = ([pLat = 0, pLon = 0]: number[]): XY => [(pLon - lon) * kx, (pLat - lat) * M_PER_DEG];
  let nearest = Infinity;
  for (const ring of rings) {
    ring.forEach((p, i) => {
      nearest = Math.min(nearest, originToSegment(xy(p), xy(ring[(i + 1) % ring.length] ?? p)));
    });
  }
  return nearest;
}

/** Whether the whole disc of `radiusM` around (lat, lon) lies inside the zone's shape (`geo/shapes.contains_disc`);
 * false for a shape the app cannot read. */
export function containsDisc(zone: ZoneGeometry, lat: number, lon: number, radiusM: number): boolean {
  const { circle, polygon, holes = [] } = zone;
  if (circle) return haversineM(circle.lat, circle.lon, lat, lon) + radiusM <= circle.radius_m;
  if (!polygon || polygon.length < 3) return false;
  if (!ringContains(polygon, lat, lon) || holes.some((hole) => ringContains(hole, lat, lon))) return false;
  return distanceToEdges([polygon, ...holes], lat, lon) >= radiusM;
}

/** The name of the first of `zones` that holds every place a fix of ±`accuracyM` around (lat, lon) could be, with
 * SAFETY_M to spare, or null. */
export function zoneHolding(
  zones: readonly { name: string; geometry?: ZoneGeometry }[],
  lat: number,
  lon: number,
  accuracyM: number,
): string | null {
  return zones.find((z) => z.geometry && containsDisc(z.geometry, lat, lon, accuracyM + SAFETY_M))?.name ?? null;
}
