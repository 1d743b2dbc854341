// The console's zone reads (zones.ts): a regency's map is one read of the list, not one request per zone.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Zone } from "./types";

const get = vi.fn();
vi.mock("./session", () => ({ get }));

const zoneOf = (id: string): Zone => ({ zone_id: id, name: `Zona ${id}` }) as unknown as Zone;
const unit = (n: number, zoneIds: string[]) => ({ unor_id: `U${String(n)}`, zone_ids: zoneIds });

beforeEach(() => {
  vi.resetModules();
  get.mockReset();
  get.mockImplementation(async (path: string) => {
    if (path === "/v1/admin/zones") return { items: Array.from({ length: 300 }, (_, i) => zoneOf(`z${String(i)}`)) };
    return zoneOf(decodeURIComponent(path.split("/").pop() ?? ""));
  });
});

describe("the zones of many units", () => {
  it("are read with the whole list, once, not one request per unit's zone", async () => {
    const { zonesByUnit } = await import("./zones");
    const units = Array.from({ length: 200 }, (_, i) => unit(i, [`z${String(i)}`]));
    const byUnit = await zonesByUnit(units);
    expect(get.mock.calls.map((c) => c[0])).toEqual(["/v1/admin/zones"]);
    expect(get.mock.calls[0]?.[1]).toEqual({ geometry: "true" });
    expect(byUnit.get("U7")?.map((z) => z.zone_id)).toEqual(["z7"]);
    expect(byUnit.size).toBe(200);
  });

  it("of a few units are read one by one, a zone shared by two units once", async () => {
    const { zonesByUnit } = await import("./zones");
    const byUnit = await zonesByUnit([unit(1, ["z1", "z2"]), unit(2, ["z2"]), unit(3, [])]);
    expect(get.mock.calls.map((c) => c[0]).sort()).toEqual(["/v1/admin/zones/z1", "/v1/admin/zones/z2"]);
    expect(byUnit.get("U2")?.map((z) => z.zone_id)).toEqual(["z2"]);
    expect(byUnit.get("U3")).toEqual([]);
  });

  it("leave out a zone that cannot be read", async () => {
    get.mockImplementation(async (path: string) => {
      if (path.endsWith("/gone")) throw new Error("404");
      return zoneOf(path.split("/").pop() ?? "");
    });
    const { zonesByUnit } = await import("./zones");
    const byUnit = await zonesByUnit([unit(1, ["z1", "gone"])]);
    expect(byUnit.get("U1")?.map((z) => z.zone_id)).toEqual(["z1"]);
  });
});
