import { describe, expect, it } from "vitest";
import { correctionAsked, decidedText, monthCorrectionsText, ownStatusText, requestTitle } from "./requests";

describe("an employee's request in words", () => {
  it("says what time a correction asks for, and whether it is the arrival or the departure", () => {
    expect(correctionAsked({ type: "KOREKSI", time: "07:20", event_type: "in" })).toBe("Masuk 07.20");
    expect(correctionAsked({ type: "KOREKSI", time: "16:00", event_type: "out" })).toBe("Pulang 16.00");
    expect(correctionAsked({ type: "KOREKSI", time: "07:20", event_type: null })).toBe("Masuk 07.20");
    expect(correctionAsked({ type: "IZIN", time: null })).toBe("");
  });

  it("tells the employee their request's state, and an approval an admin took back from one they withdrew", () => {
    const nip = "198501012010011001";
    expect(ownStatusText({ status: "pending", nip })).toBe("Menunggu keputusan admin");
    expect(ownStatusText({ status: "cancelled", nip, decided_by: nip })).toBe("Dibatalkan");
    expect(ownStatusText({ status: "cancelled", nip, decided_by: "budi" })).toBe("Persetujuan dibatalkan admin");
    expect(ownStatusText({ status: "approved", nip, decided_by: "budi" })).toBe("Disetujui");
  });

  it("names the type, with a correction's time beside it", () => {
    expect(requestTitle({ type: "KOREKSI", time: "16:05", event_type: "out" })).toBe("Koreksi absen · Pulang 16.05");
    expect(requestTitle({ type: "DL" })).toBe("Dinas luar");
    expect(requestTitle({ type: "LAINNYA" })).toBe("LAINNYA");
  });

  it("tells an admin the month's approved corrections, and when approving one more would pass the cap", () => {
    expect(monthCorrectionsText({ month: "2026-03", limit: 2, approved: 1 })).toBe("Koreksi Maret 2026 yang sudah disetujui: 1 dari 2.");
    expect(monthCorrectionsText({ month: "2026-12", limit: 2, approved: 2 })).toBe(
      "Batas koreksi Desember 2026 sudah tercapai (2 dari 2): persetujuan akan ditolak sistem.",
    );
  });

  it("tells who decided a request, and of one taken back who had approved it", () => {
    const when = (iso: string): string => `<${iso}>`;
    expect(decidedText({ status: "approved", decided_by: "budi", decided_at: "T1" }, when)).toBe("budi (<T1>)");
    expect(decidedText({ status: "revoked", decided_by: "admin", decided_at: "T2", approved_by: "budi", approved_at: "T1" }, when)).toBe(
      "Disetujui budi (<T1>); dibatalkan admin (<T2>)",
    );
    expect(decidedText({ status: "cancelled", decided_by: "198501012010011001", decided_at: "T3" }, when)).toBe("Dibatalkan pegawai (<T3>)");
    expect(decidedText({ status: "pending" }, when)).toBe("–");
  });
});
