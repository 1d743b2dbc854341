// "Pengguna Admin"'s unit picker rules (unitPick.ts).
import { describe, expect, it } from "vitest";
import type { Unit } from "./types";
import { toggled, unitsMatching } from "./unitPick";

const unit = (unor_id: string, unor_nama: string): Unit => ({ unor_id, unor_nama, zone_ids: [], employee_count: 0 });
const UNITS = [unit("U-SD1", "SDN 1 Lembang"), unit("U-SD2", "SDN 2 Lembang"), unit("U-DINKES", "Dinas Kesehatan")];

describe("unitsMatching", () => {
  it("keeps every unit, in order, for an empty search", () => {
    expect(unitsMatching(UNITS, "  ").map((u) => u.unor_id)).toEqual(["U-SD1", "U-SD2", "U-DINKES"]);
  });

  it("matches a name or an id, whatever the case and spacing", () => {
    expect(unitsMatching(UNITS, " sdn  2 ").map((u) => u.unor_id)).toEqual(["U-SD2"]);
    expect(unitsMatching(UNITS, "lembang").map((u) => u.unor_id)).toEqual(["U-SD1", "U-SD2"]);
    expect(unitsMatching(UNITS, "u-dinkes").map((u) => u.unor_id)).toEqual(["U-DINKES"]);
    expect(unitsMatching(UNITS, "puskesmas")).toEqual([]);
  });
});

describe("toggled", () => {
  it("adds a checked unit once and keeps the others", () => {
    expect(toggled(["U-SD1"], "U-SD2", true)).toEqual(["U-SD1", "U-SD2"]);
    expect(toggled(["U-SD1", "U-SD2"], "U-SD2", true)).toEqual(["U-SD1", "U-SD2"]);
  });

  it("removes only the unchecked unit", () => {
    expect(toggled(["U-SD1", "U-SD2", "U-DINKES"], "U-SD2", false)).toEqual(["U-SD1", "U-DINKES"]);
    expect(toggled([], "U-SD2", false)).toEqual([]);
  });
});
