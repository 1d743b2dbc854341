// "Cetak Kode Aktivasi" (activationSheet.ts): what the console asks before a unit's sheet replaces the codes of
// cards already handed out, and how long it says the new cards last.
import { describe, expect, it } from "vitest";
import { DEFAULT_VALIDITY_DAYS, knownValidityDays, learnValidity, leftOutSaid, printQuestion, validityDays } from "./activationSheet";

const DAY_MS = 86_400_000;

describe("the question before a unit's activation sheet is printed", () => {
  it("says that cards printed earlier stop working, how long the new ones last, and when to print them", () => {
    const asked = printQuestion(true, 7);
    expect(asked).toContain("yang belum aktivasi");
    expect(asked).toContain("Kartu yang dicetak sebelumnya untuk pegawai tersebut tidak berlaku lagi.");
    expect(asked).toContain("Kartu baru berlaku 7 hari");
    expect(asked).toContain("cetak paling cepat beberapa hari sebelum hari sosialisasi");
    expect(asked.endsWith("?")).toBe(true);
  });

  it("names every active employee of the unit when not only the ones without a phone are printed", () => {
    expect(printQuestion(false, 7)).toContain("semua pegawai aktif unit ini");
    expect(printQuestion(false, 7)).not.toContain("yang belum aktivasi");
  });

  it("says the days the stage's codes last, SMART's default of 7 before any sheet has said otherwise", () => {
    expect(DEFAULT_VALIDITY_DAYS).toBe(7); // SMART_ACTIVATION_TTL_S's default (settings.py)
    expect(printQuestion(true, 14)).toContain("Kartu baru berlaku 14 hari");
    expect(printQuestion(true, 1)).toContain("Kartu baru berlaku 1 hari");
  });
});

describe("how long a sheet's codes last, from the API's answer", () => {
  const now = Date.parse("2026-12-07T03:00:00Z");

  it("is the whole days from the answer to its expires_at", () => {
    expect(validityDays(new Date(now + 7 * DAY_MS).toISOString(), now)).toBe(7);
    // the answer read a few seconds after SMART stamped it, or a clock a minute off, is still 7 days
    expect(validityDays(new Date(now + 7 * DAY_MS - 90_000).toISOString(), now)).toBe(7);
    expect(validityDays(new Date(now + 14 * DAY_MS).toISOString(), now)).toBe(14);
  });

  it("is none for an expiry that cannot be read or is under a day (a stage's short test setting)", () => {
    expect(validityDays("", now)).toBeNull();
    expect(validityDays("kemarin", now)).toBeNull();
    expect(validityDays(new Date(now + 3_600_000).toISOString(), now)).toBeNull();
  });
});

describe("the days the question says", () => {
  it("are SMART's default until a sheet printed in this tab says the stage's own, which then holds", () => {
    const now = Date.parse("2026-12-07T03:00:00Z");
    expect(knownValidityDays()).toBe(DEFAULT_VALIDITY_DAYS);
    learnValidity(new Date(now + 14 * DAY_MS).toISOString(), now);
    expect(knownValidityDays()).toBe(14);
    learnValidity("", now); // an answer without a readable expiry teaches nothing
    expect(knownValidityDays()).toBe(14);
  });
});

describe("who the printed sheet has no card for", () => {
  it("names them and why, so the admin asks a colleague for their codes before the hall", () => {
    expect(leftOutSaid([])).toBe("");
    expect(
      leftOutSaid([
        { nip: "198703152010012004", nama: "Siti Aminah", reason: "own_record" },
        { nip: "199001012020012001", nama: "Budi Santoso", reason: "four_eyes" },
      ]),
    ).toBe(
      "Tanpa kartu, kodenya harus dibuat admin lain: Siti Aminah (data Anda sendiri), Budi Santoso (wajahnya Anda daftarkan dalam 7 hari terakhir).",
    );
  });
});
