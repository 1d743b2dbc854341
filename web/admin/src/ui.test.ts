// What a change says of the recapped days it judged again (ui.tsx `rejudged`), in the words of the console's
// outcome lines (Pengajuan, Cuti & Izin, Jadwal, Sidik Jari).
import { describe, expect, it } from "vitest";
import { rejudged } from "./ui";

describe("rejudged", () => {
  it("names the days judged again as people write dates, not in ISO", () => {
    // GIVEN an approval whose answer says two past days' recaps were judged again
    // WHEN its outcome line is written, THEN the days read "2 Desember 2026", as the rest of the line
    expect(rejudged({ recapped: ["2026-12-02", "2026-12-03"] })).toBe(" Rekap tanggal 2 Desember 2026, 3 Desember 2026 dihitung ulang.");
    expect(rejudged({ recapped: ["2027-01-01"] })).toBe(" Rekap tanggal 1 Januari 2027 dihitung ulang.");
  });

  it("counts many days, says what goes on in the background, and says nothing without either", () => {
    expect(rejudged({ recapped: ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"] })).toBe(" Rekap 4 tanggal yang sudah lewat dihitung ulang.");
    expect(rejudged({ recapping: 3 })).toBe(" Rekap 3 hari unit sedang dihitung ulang di latar belakang; hasilnya tampil dalam beberapa menit.");
    expect(rejudged({})).toBe("");
    expect(rejudged(null)).toBe("");
  });
});
