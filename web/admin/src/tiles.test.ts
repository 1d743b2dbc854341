// The base map's tiles (tiles.ts): a tile request tells its server where the map looks, so a map of a person's
// position (a check-in's, a refused attempt's at an employee's home) asks no third party for tiles.
import { describe, expect, it } from "vitest";
import { baseMapNote, PUBLIC_TILES, tileUrl } from "./tiles";

describe("tileUrl", () => {
  it("asks no tile server for a person's position unless the deployment names its own", () => {
    expect(tileUrl(undefined, true)).toBeNull();
    expect(tileUrl("", true)).toBeNull();
    expect(tileUrl("  ", true)).toBeNull();
  });

  it("shows public places (units, zones) on OpenStreetMap's tiles by default", () => {
    expect(tileUrl(undefined, false)).toBe(PUBLIC_TILES);
    expect(tileUrl(" ", false)).toBe(PUBLIC_TILES);
  });

  it("uses the deployment's own tile server, as it is given, for every map", () => {
    const own = "https://peta.example.go.id/tiles/{z}/{x}/{y}.png";
    expect(tileUrl(own, true)).toBe(own);
    expect(tileUrl(own, false)).toBe(own);
    expect(tileUrl(" /tiles/{z}/{x}/{y}.png\n", true)).toBe("/tiles/{z}/{x}/{y}.png");
  });
});

describe("baseMapNote", () => {
  it("says why a position has no base map rather than leaving a grey box unexplained", () => {
    expect(baseMapNote(null, false)).toBe("Tanpa peta dasar: posisi pegawai tidak dikirim ke penyedia peta luar.");
  });

  it("says nothing while the tiles load, and the failure when they cannot", () => {
    expect(baseMapNote(PUBLIC_TILES, false)).toBeNull();
    expect(baseMapNote(PUBLIC_TILES, true)).toBe(
      "Peta dasar tidak dapat dimuat (tidak ada internet); unit dan zona tetap ditampilkan.",
    );
  });
});
