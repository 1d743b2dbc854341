// The consoles' base map. A tile's address is its place (at zoom 18 a tile is about 150 m across), so a tile server
// learns where every map the console opens is looking. Maps of public places (Pemantauan's units, Zona's offices
// and schools) load OpenStreetMap's tiles unless the deployment names its own server (`VITE_SMART_TILE_URL` at
// build time): drawing a school's zone needs the ground under it. A map of a person's position (the evidence of a
// check-in or of a refused attempt, often at an employee's home) asks only the deployment's own server, and no
// server when none is named: it shows its vector layers (zones, the position) on a plain background.

export const PUBLIC_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/** The tile URL template a map may load from (`{z}/{x}/{y}` as Leaflet's), or null: no base map. `personal`: the
 * map shows where a person was. */
export function tileUrl(configured: string | undefined, personal: boolean): string | null {
  const url = configured?.trim() ?? "";
  if (url !== "") return url;
  return personal ? null : PUBLIC_TILES;
}

/** What a map says of its base map: none for this map, or one that could not load; null when it shows. */
export function baseMapNote(url: string | null, failed: boolean): string | null {
  if (url === null) return "Tanpa peta dasar: posisi pegawai tidak dikirim ke penyedia peta luar.";
  if (failed) return "Peta dasar tidak dapat dimuat (tidak ada internet); unit dan zona tetap ditampilkan.";
  return null;
}
