import { describe, expect, it } from "vitest";
import { ApiError, messageOf, UserMessage } from "../../shared/api";
import { check, digitsOnly, filled, needed, nipProblem, percentText, reworded, withdrawnByOwner } from "./forms";

describe("what a form checks before sending", () => {
  it("keeps the digits of a NIP written as civil-service documents print it, without cutting any", () => {
    expect(digitsOnly("19911201 202512 1 689")).toBe("199112012025121689");
    expect(digitsOnly("19911201-202512-1-689\n")).toBe("199112012025121689");
    expect(digitsOnly(" 1234 5678 ")).toBe("12345678");
    expect(digitsOnly("1991120120251216890")).toHaveLength(19); // one too many is told, not hidden
  });

  it("asks for a NIP of 18 digits, in the API's own words for a wrong length", () => {
    expect(nipProblem("")).toBe("NIP wajib diisi.");
    expect(nipProblem("19911201202512168")).toBe("NIP harus 18 digit angka.");
    expect(nipProblem("199112012025121689")).toBeNull();
  });

  it("refuses a value of spaces only (which a required field lets through)", () => {
    expect(filled("   \n\t")).toBe(false);
    expect(filled(" ada ")).toBe(true);
    expect(needed("   ", "Alasan wajib diisi.")).toBe("Alasan wajib diisi.");
    expect(needed("Sakit", "Alasan wajib diisi.")).toBeNull();
    expect(() => check(null, needed(" ", "Alasan wajib diisi."), "lainnya")).toThrow(new UserMessage("Alasan wajib diisi."));
    expect(() => check(null, null)).not.toThrow();
  });
});

describe("numbers and messages in the screens' words", () => {
  it("writes a percentage with the Indonesian decimal comma", () => {
    expect(percentText(12.5)).toBe("12,5%");
    expect(percentText(10)).toBe("10%");
    expect(percentText(0)).toBe("0%");
    expect(percentText(3.75)).toBe("3,75%");
  });

  it("rewords one API code on one screen and leaves the others as the API said them", () => {
    const wrong = new ApiError(401, "INVALID_CREDENTIALS", "NIP/nama pengguna atau kata sandi salah.");
    expect(messageOf(reworded(wrong, "INVALID_CREDENTIALS", "Kata sandi lama salah."))).toBe("Kata sandi lama salah.");
    const weak = new ApiError(400, "WEAK_PASSWORD", "Kata sandi terlalu mudah ditebak.");
    expect(reworded(weak, "INVALID_CREDENTIALS", "Kata sandi lama salah.")).toBe(weak);
  });

  it("tells a request the employee withdrew from an approval an admin took back", () => {
    const nip = "198501012010011001";
    expect(withdrawnByOwner({ status: "cancelled", nip, decided_by: nip })).toBe(true);
    expect(withdrawnByOwner({ status: "cancelled", nip })).toBe(true);
    expect(withdrawnByOwner({ status: "cancelled", nip, decided_by: "budi" })).toBe(false);
    expect(withdrawnByOwner({ status: "approved", nip, decided_by: "budi" })).toBe(false);
    expect(withdrawnByOwner(undefined)).toBe(false);
  });
});
