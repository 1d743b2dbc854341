// Months in the words both apps show (months.ts), and the months the employee's "Rekap Bulan Ini" offers.
import { describe, expect, it } from "vitest";
import { monthText, recentMonths } from "./months";

describe("the months an employee's recap offers", () => {
  it("on the 1st, when nothing of the month is recapped yet, include the month just closed, across a year's end", () => {
    // GIVEN 1 January 2027 in the regency (the night's recap has not run: the new month has no day yet)
    // WHEN the employee opens "Rekap Bulan Ini", THEN December 2026, on which the TPP is paid, can be chosen
    expect(recentMonths("2027-01", 3)).toEqual(["2027-01", "2026-12", "2026-11"]);
    expect(recentMonths("2026-03", 2)).toEqual(["2026-03", "2026-02"]);
    expect(recentMonths("2026-12", 1)).toEqual(["2026-12"]);
    expect(monthText("2026-12")).toBe("Desember 2026");
  });
});
