// "Log Audit" in words (audit.ts): actions by name, actors' roles, details as "key: value" text, the filter's choices.
import { describe, expect, it } from "vitest";
import { actionChoices, actionName, actorText, detailText } from "./audit";
import { dateTime } from "./format";

describe("an audit entry", () => {
  it("names its action in Indonesian, and shows a code the console does not know as it is", () => {
    expect(actionName("review.approve")).toBe("Absen disetujui");
    expect(actionName("simpeg.import")).toBe("Impor berkas SIMPEG");
    expect(actionName("payroll.export")).toBe("payroll.export");
  });

  it("names its actor's role as the console names roles, an employee's own step too", () => {
    expect(actorText("admin", "super_admin")).toBe("admin (Admin BKPSDM)");
    expect(actorText("198501012010011001", "employee")).toBe("198501012010011001 (Pegawai)");
    expect(actorText("system:retensi", null)).toBe("system:retensi");
  });

  it("says its details as short key: value text, not JSON", () => {
    expect(detailText({ nip: "198501012010011001" })).toBe("NIP: 198501012010011001");
    expect(detailText({ status: "succeeded", created: 1200, deactivated: 0, as_scheduled: true, unor_id: null })).toBe(
      "status: berhasil; baru: 1.200; dinonaktifkan: 0; seperti jadwal malam: ya; unit: –",
    );
    expect(detailText({ role: "unit_admin", unit_ids: ["U1", "U2"], password: "changed" })).toBe("peran: Admin unit; unit: U1, U2; kata sandi: diubah");
    expect(detailText({ effective_from: "2026-12-08", days: { mon: { start: "07:00", end: "15:00" }, sat: { start: "07:00", end: "12:00" } } })).toBe(
      "berlaku mulai: 2026-12-08; hari: (Sen: 07:00–15:00, Sab: 07:00–12:00)",
    );
    expect(detailText({ area: { circle: { lat: -6.84671, lon: 107.4858, radius_m: 150 } } })).toBe(
      "area: (lingkaran: (lat: -6,84671, lon: 107,4858, radius (m): 150))",
    );
    expect(detailText({ nips: Array.from({ length: 10 }, (_, i) => String(i)) })).toBe("NIP: 0, 1, 2, 3, 4, 5, 6, 7 … dan 2 lainnya");
    expect(detailText({ mystery_key: "x" })).toBe("mystery_key: x");
    // a face the approval's re-check took away again
    expect(detailText({ template_id: "t-1", reason: "duplicate" })).toBe(
      "templat: t-1; alasan: wajah sama dengan wajah pegawai lain (pemeriksaan ulang setelah disetujui)",
    );
    // a decision on a correction or a check-in: what was asked, the admin's note, the day before it
    expect(
      detailText({ nip: "198501012010011001", type: "KOREKSI", start_date: "2026-03-10", time: "07:20", event_type: "in", note: "Ada saksi", status_before: "TK" }),
    ).toBe("NIP: 198501012010011001; jenis: koreksi absen; mulai: 2026-03-10; jam: 07:20; absen: masuk; catatan: Ada saksi; status hari sebelumnya: TK");
    expect(detailText({ event_type: "out", attendance_time: "2026-03-10T09:05:00+00:00" })).toBe(`absen: pulang; waktu absen: ${dateTime("2026-03-10T09:05:00+00:00")}`);
    expect(detailText(null)).toBe("–");
    expect(detailText({})).toBe("–");
  });

  it("names the entries added by the audit sweep, and what a moved PIN was and became", () => {
    expect(actionName("fingerprint.pin")).toBe("PIN sidik jari pegawai dipindahkan");
    expect(actionName("admin_user.password")).toBe("Kata sandi admin diubah sendiri");
    expect(detailText({ pins: [{ unor_id: "U1", pin: "17", before: "198501012010011001", after: "199001012015021002" }] })).toBe(
      "PIN: (unit: U1, PIN: 17, sebelumnya: 198501012010011001, sesudahnya: 199001012015021002)",
    );
    expect(detailText({ via: "sheet", unor_id: "U1", device_bound: true })).toBe("dari: lembar kode aktivasi unit; unit: U1; ponsel sudah terdaftar: ya");
    expect(detailText({ taken_by: "199001012015021002" })).toBe("ponselnya diambil oleh: 199001012015021002");
  });
});

describe("the Tindakan filter", () => {
  it("offers every family of changes with its actions, the family's whole first", () => {
    const groups = actionChoices(false);
    const faces = groups.find((g) => g.family === "face");
    expect(faces?.options.slice(0, 2)).toEqual([
      ["face", "Wajah: semua"],
      ["face.enrol", "Wajah didaftarkan"],
    ]);
    expect(groups.some((g) => g.family === "view")).toBe(false);
    expect(groups.flatMap((g) => g.options.map(([code]) => code))).toContain("holiday.put");
  });

  it("offers the links to personal files only in their own log", () => {
    expect(actionChoices(true).flatMap((g) => g.options.map(([code]) => code))).toEqual(["view", "view.photos", "view.attachments", "view.reports"]);
  });
});
