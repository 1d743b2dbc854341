// A vague fix wholly inside a drawn zone (area.ts): the same answers as SMART's geo/shapes.contains_disc, whose
// distances for these points are written beside them (computed with chalicelib.geo.shapes).
import { afterEach, describe, expect, it, vi } from "vitest";
import { containsDisc, haversineM, SAFETY_M, zoneHolding, type ZoneGeometry } from "./area";
import { usableFix, vagueButInside } from "./live";
import { stubStorage } from "./teststorage";

// A compound of about 1.1 × 1.0 km with a courtyard (a hole) of about 220 × 110 m
const COMPOUND: ZoneGeometry = {
  polygon: [
    [-6.9, 107.6],
    [-6.9, 107.61],
    [-6.909, 107.61],
    [-6.909, 107.6],
  ],
  holes: [
    [
      [-6.904, 107.604],
      [-6.904, 107.606],
      [-6.905, 107.606],
      [-6.905, 107.604],
    ],
  ],
};
const SCHOOL: ZoneGeometry = { circle: { lat: -6.9, lon: 107.6, radius_m: 300 } };

describe("whether every place a vague fix could be lies inside a zone", () => {
  it("measures as SMART does", () => {
    expect(haversineM(-6.9, 107.6, -6.901, 107.6005)).toBeCloseTo(124.14, 1);
  });

  it("a polygon: inside, and at least the accuracy from every edge, the hole's too", () => {
    // 220.779 m from the nearest edge (SMART's distance_to_boundary_m)
    expect(containsDisc(COMPOUND, -6.902, 107.602, 220)).toBe(true);
    expect(containsDisc(COMPOUND, -6.902, 107.602, 221)).toBe(false);
    // 110.389 m from the courtyard's edge
    expect(containsDisc(COMPOUND, -6.9045, 107.603, 110)).toBe(true);
    expect(containsDisc(COMPOUND, -6.9045, 107.603, 111)).toBe(false);
    // in the courtyard (not the zone) and outside the compound, however small the circle
    expect(containsDisc(COMPOUND, -6.9045, 107.605, 1)).toBe(false);
    expect(containsDisc(COMPOUND, -6.899, 107.605, 1)).toBe(false);
  });

  it("a circle: its centre's distance and the accuracy within the radius", () => {
    expect(containsDisc(SCHOOL, -6.901, 107.6005, 175)).toBe(true); // 124.14 + 175 ≤ 300
    expect(containsDisc(SCHOOL, -6.901, 107.6005, 176)).toBe(false);
  });

  it("a shape it cannot read holds nothing", () => {
    expect(containsDisc({}, -6.902, 107.602, 1)).toBe(false);
    expect(containsDisc({ polygon: [[-6.9, 107.6]] }, -6.9, 107.6, 1)).toBe(false);
  });

  it("names the first zone holding the fix with SAFETY_M to spare", () => {
    const zones = [
      { name: "Halaman", geometry: SCHOOL },
      { name: "Kompleks Dinas", geometry: COMPOUND },
      { name: "Tanpa bentuk" },
    ];
    expect(zoneHolding(zones, -6.902, 107.602, 220 - SAFETY_M)).toBe("Kompleks Dinas");
    expect(zoneHolding(zones, -6.902, 107.602, 221 - SAFETY_M)).toBeNull(); // within the margin: not sent
    expect(zoneHolding(zones, -6.901, 107.6005, 150)).toBe("Halaman");
  });
});

describe("a vague fix at the check-in", () => {
  afterEach(() => vi.unstubAllGlobals());
  const profile = { gps_max_accuracy_m: 100, zones: [{ zone_id: "z1", name: "Kompleks Dinas", geometry: COMPOUND }] };
  const at = Date.now();

  it("is sent when the whole circle lies in the employee's zone, and waited on otherwise", () => {
    stubStorage([["smart.profile", JSON.stringify(profile)]]);
    const inside = { latitude: -6.902, longitude: 107.602, accuracy_m: 150, at };
    expect(vagueButInside(inside)).toBe("Kompleks Dinas");
    expect(usableFix(inside, at)).toBe(true);
    const edge = { ...inside, latitude: -6.9005 }; // some 55 m from the edge
    expect([vagueButInside(edge), usableFix(edge, at)]).toEqual([null, false]);
    // a fix within the limit needs no zone; an aged one is not sent however good
    const sharp = { ...edge, accuracy_m: 20 };
    expect([vagueButInside(sharp), usableFix(sharp, at)]).toEqual([null, true]);
    expect(usableFix(inside, at + 3 * 60_000)).toBe(false);
  });

  it("waits on a vague fix where the last profile read gave no zone shapes", () => {
    stubStorage([["smart.profile", JSON.stringify({ ...profile, zones: [{ zone_id: "z1", name: "Kompleks Dinas" }] })]]);
    expect(usableFix({ latitude: -6.902, longitude: 107.602, accuracy_m: 150, at }, at)).toBe(false);
  });
});
