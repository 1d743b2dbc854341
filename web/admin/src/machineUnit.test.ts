import { describe, expect, it } from "vitest";
import { machineUnit, machineUnitOptions, PICK_MACHINE_UNIT } from "./machineUnit";
import type { Unit } from "./types";

const unit = (unor_id: string, unor_nama: string): Unit => ({ unor_id, unor_nama, zone_ids: [], employee_count: 0 });
const puskesmas = unit("U1", "Puskesmas Ngamprah");
const pustu = unit("U2", "Pustu Cimareme");

describe("machineUnit", () => {
  it("takes the only unit of a one-unit admin, chosen or not", () => {
    expect(machineUnit([puskesmas], "")).toBe("U1");
    expect(machineUnit([puskesmas], "U1")).toBe("U1");
  });

  it("waits for an admin of several units to choose (no unit: PINs would be matched in all of them)", () => {
    expect(machineUnit([puskesmas, pustu], "")).toBe("");
    expect(machineUnit([puskesmas, pustu], "U2")).toBe("U2");
  });

  it("does not send a unit the admin cannot see (a list reloaded without it)", () => {
    expect(machineUnit([puskesmas, pustu], "U9")).toBe("");
    expect(machineUnit([puskesmas], "U9")).toBe("U1");
    expect(machineUnit([], "")).toBe("");
  });
});

describe("machineUnitOptions", () => {
  it("offers no 'every unit' choice: a placeholder for several units, the unit alone for one", () => {
    expect(machineUnitOptions([pustu, puskesmas])).toEqual([
      ["", PICK_MACHINE_UNIT],
      ["U1", "Puskesmas Ngamprah"],
      ["U2", "Pustu Cimareme"],
    ]);
    expect(machineUnitOptions([pustu])).toEqual([["U2", "Pustu Cimareme"]]);
  });
});
