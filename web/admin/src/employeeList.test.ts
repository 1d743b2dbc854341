// "Pegawai"'s reading rules (employeeList.ts) and the units' order (context.ts).
import { describe, expect, it } from "vitest";
import { byName, unitOptions } from "./context";
import { approvalLeftToAnother, employeeListing, enrolledBy, matches, normalised, queueRows, type QueuedFace } from "./employeeList";

const NIP = "196602011995101183";

describe("employeeListing", () => {
  it("reads the chosen unit, searched in the browser", () => {
    expect(employeeListing("U1", "joko")).toEqual({ kind: "unit", query: { unor_id: "U1" }, key: "unit:U1" });
  });

  it("asks the server for a name across every unit under Semua unit", () => {
    expect(employeeListing("", "  Joko  Ujang Hidayat ")).toEqual({ kind: "search", query: { q: "joko ujang hidayat" }, key: "q:joko ujang hidayat" });
    expect(employeeListing("", "1966")).toEqual({ kind: "search", query: { q: "1966" }, key: "q:1966" });
  });

  it("waits for three characters before searching every unit", () => {
    expect(employeeListing("", "")).toEqual({ kind: "prompt" });
    expect(employeeListing("", "jo")).toEqual({ kind: "prompt" });
  });

  it("finds a full NIP in every unit whatever unit is chosen", () => {
    expect(employeeListing("U1", NIP)).toEqual({ kind: "search", query: { q: NIP }, key: `q:${NIP}` });
  });
});

describe("matches", () => {
  it("keeps a name containing the search or a NIP starting with it", () => {
    const joko = { nama: "Joko Ujang Hidayat", nip: NIP };
    expect(matches(joko, normalised("ujang HIDAYAT"))).toBe(true);
    expect(matches(joko, "19660201")).toBe(true);
    expect(matches(joko, "1995")).toBe(false);
    expect(matches({ nama: null, nip: NIP }, "joko")).toBe(false);
    expect(matches(joko, "")).toBe(true);
  });
});

const face = (template_id: string, nama: string, created_at: string, created_by = "198001012005011001"): QueuedFace => ({
  template_id,
  nip: "198001012005011001",
  nama,
  unor_id: "U1",
  created_at,
  created_by,
});

describe("queueRows", () => {
  it("lists the longest waiting first and keeps only the faces the search matches", () => {
    const faces = [face("t3", "Siti", "2026-07-02T01:00:00Z"), face("t1", "Asep", "2026-07-01T01:00:00Z"), face("t2", "Sari", "2026-07-01T01:00:00Z")];
    expect(queueRows(faces, "").map((f) => f.template_id)).toEqual(["t1", "t2", "t3"]);
    expect(queueRows(faces, "s").map((f) => f.template_id)).toEqual(["t1", "t2", "t3"]);
    expect(queueRows(faces, "si").map((f) => f.template_id)).toEqual(["t3"]);
  });

  it("says who enrolled the face: the employee in the app, or the admin", () => {
    expect(enrolledBy(face("t1", "Asep", "2026-07-01T01:00:00Z"))).toBe("Pegawai (aplikasi)");
    expect(enrolledBy(face("t1", "Asep", "2026-07-01T01:00:00Z", "op_cisarua"))).toBe("op_cisarua");
  });
});

describe("byName", () => {
  const unit = (unor_id: string, unor_nama: string) => ({ unor_id, unor_nama, zone_ids: [], employee_count: 0 });

  it("orders units by name in Indonesian, numbers by their value, not by the database's ids", () => {
    const units = [unit("a1", "SMP Negeri 1 Ngamprah"), unit("a2", "SD Negeri 10 Cisarua"), unit("a3", "sd negeri 2 Cisarua"), unit("a4", "Dinas Kesehatan")];
    expect(byName(units).map((u) => u.unor_id)).toEqual(["a4", "a3", "a2", "a1"]);
    expect(unitOptions(units, "Semua unit").map(([id]) => id)).toEqual(["", "a4", "a3", "a2", "a1"]);
    expect(units.map((u) => u.unor_id)).toEqual(["a1", "a2", "a3", "a4"]); // the shell's list is left as it is
  });

  it("orders namesakes by id", () => {
    expect(byName([unit("b", "Puskesmas"), unit("a", "Puskesmas")]).map((u) => u.unor_id)).toEqual(["a", "b"]);
  });
});

describe("approvalLeftToAnother", () => {
  const face = { reset_by: "sari", created_by: "budi" };

  it("leaves a face after a reset to an admin who neither reset the phone nor enrolled it", () => {
    expect(approvalLeftToAnother(face, "sari")).toContain("Anda mereset perangkat");
    expect(approvalLeftToAnother(face, "budi")).toContain("Anda mendaftarkan wajah ini");
    expect(approvalLeftToAnother(face, "dewi")).toBeNull();
  });

  it("asks nothing of a face enrolled without a reset before it", () => {
    expect(approvalLeftToAnother({ reset_by: null, created_by: "budi" }, "budi")).toBeNull();
    expect(approvalLeftToAnother({ reset_by: null, resetters: [], created_by: "budi" }, "budi")).toBeNull();
  });

  it("leaves it to another than every admin who reset the phone or issued its code, not the last alone", () => {
    // budi reset the phone, sari's code bound it again (the last reset: `reset_by`), and the face came from the app
    const face = { reset_by: "sari", resetters: ["budi", "sari"], created_by: NIP };
    expect(approvalLeftToAnother(face, "budi")).toBe(
      "Wajah setelah reset perangkat harus disetujui admin lain (Anda mereset perangkat pegawai ini). Anda tetap dapat menolaknya.",
    );
    expect(approvalLeftToAnother(face, "sari")).toContain("Anda mereset perangkat");
    expect(approvalLeftToAnother(face, "dewi")).toBeNull();
  });
});
