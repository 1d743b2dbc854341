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

describe("a zone's shape typed without a map", () => {
  it("reads a pair as phone map apps copy it, with a decimal comma too", async () => {
    const { parsePair, parseNumber } = await import("./zones");
    expect(parsePair("-6.8468, 107.4857")).toEqual([-6.8468, 107.4857]);
    expect(parsePair(" -6.8468,107.4857 ")).toEqual([-6.8468, 107.4857]);
    expect(parsePair("-6,8468, 107,4857")).toEqual([-6.8468, 107.4857]);
    expect(parsePair("-6,8468; 107,4857")).toEqual([-6.8468, 107.4857]);
    expect(parsePair("(-6.8468 107.4857)")).toEqual([-6.8468, 107.4857]);
    expect(parsePair("\u22126.8468, 107.4857")).toEqual([-6.8468, 107.4857]);
    // one number with a decimal comma is one number, not a pair
    expect(parsePair("-6,8468")).toBeNull();
    expect(parseNumber("-6,8468")).toBe(-6.8468);
    expect(parsePair("-6.8468")).toBeNull();
    expect(parsePair("Ngamprah")).toBeNull();
    expect(parseNumber("6.8.4")).toBeNull();
  });

  it("takes a circle's centre from Lintang and Bujur, in Indonesian when wrong", async () => {
    const { parseCentre } = await import("./zones");
    expect(parseCentre("-6,8468", "107.4857")).toEqual({ point: [-6.8468, 107.4857], problem: null });
    expect(parseCentre("", "")).toEqual({ point: null, problem: null });
    expect(parseCentre("-6.8468", "").problem).toBe("Bujur harus berupa angka, misalnya 107.4857.");
    expect(parseCentre("enam", "107").problem).toContain("Lintang harus berupa angka");
    expect(parseCentre("107.4857", "-6.8468").problem).toContain("Lintang dan bujur tertukar?");
    expect(parseCentre("95", "10").problem).toBe("Lintang harus di antara -90 dan 90.");
    expect(parseCentre("10", "200").problem).toBe("Bujur harus di antara -180 dan 180.");
  });

  it("takes a polygon's corners one per line and names the first bad line", async () => {
    const { parseVertices, pointText } = await import("./zones");
    const text = "-6.8460, 107.4850\n\n-6,8460; 107,4866,\n -6.8476, 107.4866 \r\n";
    expect(parseVertices(text)).toEqual({
      points: [
        [-6.846, 107.485],
        [-6.846, 107.4866],
        [-6.8476, 107.4866],
      ],
      problem: null,
    });
    expect(parseVertices("-6.846, 107.485\n-6.846 107.4866\nsekolah").problem).toBe(
      "Baris 3: tulis lintang dan bujur dipisah koma, misalnya -6.8468, 107.4857.",
    );
    expect(parseVertices("-6.846, 107.485\n107.4866, -6.846").problem).toMatch(/^Baris 2: Lintang dan bujur tertukar\?/);
    expect(pointText([-6.84600001, 107.48571234])).toBe("-6.846, 107.4857123");
  });

  it("reads a radius in metres, a thousand written the Indonesian way", async () => {
    const { parseRadius } = await import("./zones");
    expect(parseRadius("150")).toBe(150);
    expect(parseRadius("12,5")).toBe(12.5);
    expect(parseRadius("1.000")).toBe(1000);
    expect(parseRadius("0")).toBeNull();
    expect(parseRadius("-5")).toBeNull();
    expect(parseRadius("")).toBeNull();
  });
});

describe("field-duty letters", () => {
  it("name a letter made by approving a request for what it is", async () => {
    const { letterLabel } = await import("./zones");
    expect(letterLabel("PENGAJUAN r-85d865ad50e5")).toBe("Dari pengajuan pegawai");
    expect(letterLabel("800/123/Disdik")).toBe("800/123/Disdik");
  });

  it("read their employees' names once per unit, or NIP by NIP where that is fewer requests", async () => {
    const nip = (n: number): string => `19800101200${String(n).padStart(7, "0")}`;
    get.mockImplementation(async (_path: string, query: Record<string, string>) => {
      if (query["unor_id"] === "SD1" && !query["next"]) return { items: [{ nip: nip(1), nama: "Ani" }, { nip: nip(2), nama: "Budi" }], next: "p2" };
      if (query["unor_id"] === "SD1") return { items: [{ nip: nip(3), nama: "Cici" }], next: null };
      // a search by NIP is read for its first page alone, even when the server names another
      if (query["q"] === nip(4)) return { items: [{ nip: nip(4), nama: "Dodi" }], next: "q2" };
      if (query["q"] === nip(5)) return { items: [{ nip: nip(5), nama: "Eka (pindah)" }], next: null };
      return { items: [], next: null };
    });
    const { employeeNames } = await import("./zones");
    const letters = [
      { unor_id: "SD1", nips: [nip(1), nip(2)] },
      { unor_id: "SD1", nips: [nip(3), nip(5)] }, // nip(5) moved to another unit since
      { unor_id: "DINAS", nips: [nip(4)] }, // one NIP of a unit of 900: one read of it, not nine pages
    ];
    const units = [
      { unor_id: "SD1", employee_count: 40 },
      { unor_id: "DINAS", employee_count: 900 },
    ];
    const named = await employeeNames(letters, units);
    expect([nip(1), nip(2), nip(3), nip(4), nip(5)].map((n) => named.get(n))).toEqual(["Ani", "Budi", "Cici", "Dodi", "Eka (pindah)"]);
    const asked = get.mock.calls.map((c) => JSON.stringify(c[1]));
    expect(asked.sort()).toEqual(
      [{ unor_id: "SD1" }, { unor_id: "SD1", next: "p2" }, { q: nip(4) }, { q: nip(5) }].map((q) => JSON.stringify(q)).sort(),
    );
    // read once per page load: the same letters again ask nothing
    get.mockClear();
    await employeeNames(letters, units);
    expect(get).not.toHaveBeenCalled();
  });
});
