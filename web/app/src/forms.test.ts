import { describe, expect, it } from "vitest";
import { ApiError, messageOf, UserMessage } from "../../shared/api";
import {
  about,
  activationProblems,
  check,
  FieldMessage,
  digitsOnly,
  filed,
  filingProblems,
  filled,
  loginProblems,
  needed,
  type Problem,
  nipProblem,
  passwordChangeProblems,
  percentText,
  reworded,
  withdrawnByOwner,
} from "./forms";
import { Form } from "./ui";

/** The message a form's check shows (its error line), or null when it sends. */
function told(problems: (Problem | null)[]): string | null {
  try {
    check(...problems);
    return null;
  } catch (exc) {
    return messageOf(exc);
  }
}

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
    expect(() => check(null, about("alasan", needed(" ", "Alasan wajib diisi.")), about("jenis", "lainnya"))).toThrow(
      new FieldMessage("alasan", "Alasan wajib diisi."),
    );
    expect(() => check(null, null)).not.toThrow();
  });
});

describe("every field the browser's check asked for (`required`) is asked for in Indonesian", () => {
  const NIP = "199112012025121689";

  it("leaves nothing to the browser, whose bubbles speak the phone's language ('Please fill out this field.')", () => {
    const form = Form({ action: "Masuk", busy: false, error: null, onSubmit: async () => undefined, children: null });
    expect(form.type).toBe("form");
    expect((form.props as { noValidate?: boolean }).noValidate).toBe(true);
  });

  it("Masuk: the NIP, then the password", () => {
    expect(told(loginProblems("", ""))).toBe("NIP wajib diisi.");
    expect(told(loginProblems(NIP, ""))).toBe("Kata sandi wajib diisi.");
    expect(told(loginProblems(NIP, " "))).toBeNull(); // a password is taken as typed; SMART judges it
  });

  it("Aktivasi: the NIP, the code, then the new password", () => {
    expect(told(activationProblems("", "", ""))).toBe("NIP wajib diisi.");
    expect(told(activationProblems(NIP, " ", ""))).toBe("Kode aktivasi wajib diisi.");
    expect(told(activationProblems(NIP, "12345678", ""))).toBe("Kata sandi baru wajib diisi.");
    expect(told(activationProblems(NIP, "12345678", "Sawah-Hijau-Pagi-2026"))).toBeNull();
  });

  it("Aktivasi: a code is the card's 8 digits; a digit short or one too many is told before it is sent", () => {
    // SMART takes any text up to 20 characters, so a typo spent one of the account's 5 tries (and one of the hall's
    // shared address slots); the card prints the code as 8 digits alone (activation_sheet.py, auth/codes.new_code)
    const password = "Sawah-Hijau-Pagi-2026";
    expect(told(activationProblems(NIP, "1234567", password))).toBe("Kode aktivasi harus 8 digit angka.");
    expect(told(activationProblems(NIP, "123456789", password))).toBe("Kode aktivasi harus 8 digit angka.");
    expect(told(activationProblems(NIP, "1234567", ""))).toBe("Kode aktivasi harus 8 digit angka."); // in field order
    expect(told(activationProblems(NIP, "00012345", password))).toBeNull(); // leading zeros are digits of the code
    expect(told(activationProblems(NIP, "1234567a", password))).toBe("Kode aktivasi harus 8 digit angka.");
    // the field keeps digits only (a code copied as "1234 5678" or "1234-5678" is its 8 digits)
    expect(told(activationProblems(NIP, digitsOnly("1234-5678"), password))).toBeNull();
  });

  it("Ubah Kata Sandi: the current password, then the new one", () => {
    expect(told(passwordChangeProblems("", ""))).toBe("Kata sandi lama wajib diisi.");
    expect(told(passwordChangeProblems("Sawah-Hijau-Pagi-2026", ""))).toBe("Kata sandi baru wajib diisi.");
    expect(told(passwordChangeProblems("Sawah-Hijau-Pagi-2026", "Sawah-Hijau-Pagi-2027"))).toBeNull();
  });

  it("Pengajuan: the days (a correction's day and time), then the reason", () => {
    const leave = { type: "CUTI", start: "2026-12-07", end: "2026-12-08", time: "", reason: "Mengantar anak berobat" };
    expect(told(filingProblems(leave))).toBeNull();
    expect(told(filingProblems({ ...leave, start: "", reason: "" }))).toBe("Tanggal mulai wajib diisi.");
    expect(told(filingProblems({ ...leave, end: "" }))).toBe("Tanggal selesai wajib diisi.");
    expect(told(filingProblems({ ...leave, reason: "  " }))).toBe("Alasan wajib diisi.");
    const correction = { ...leave, type: "KOREKSI", end: "", time: "16:05" };
    expect(told(filingProblems(correction))).toBeNull(); // its end date is its start date
    expect(told(filingProblems({ ...correction, start: "" }))).toBe("Tanggal absen wajib diisi.");
    expect(told(filingProblems({ ...correction, time: "" }))).toBe("Jam sebenarnya wajib diisi.");
  });
});

describe("the field a form's check refused, which the form marks invalid and focuses", () => {
  const NIP = "199112012025121689";

  /** The id of the field the first problem is about, or null when the form sends. */
  function refused(problems: (Problem | null)[]): string | null {
    try {
      check(...problems);
      return null;
    } catch (exc) {
      return exc instanceof FieldMessage ? exc.field : "(no field)";
    }
  }

  it("names each form's field by the id its screen gives it", () => {
    expect(refused(activationProblems(NIP.slice(1), "12345678", "Sawah-Hijau-Pagi-2026"))).toBe("nip");
    expect(refused(activationProblems(NIP, "", ""))).toBe("kode");
    expect(refused(activationProblems(NIP, "1234567", "Sawah-Hijau-Pagi-2026"))).toBe("kode");
    expect(refused(activationProblems(NIP, "12345678", ""))).toBe("sandi-baru");
    expect(refused(loginProblems(NIP, ""))).toBe("sandi");
    expect(refused(passwordChangeProblems("", ""))).toBe("sandi-lama");
    const leave = { type: "CUTI", start: "2026-12-07", end: "", time: "", reason: "" };
    expect(refused(filingProblems(leave))).toBe("selesai");
    expect(refused(filingProblems({ ...leave, end: "2026-12-08" }))).toBe("alasan");
    expect(refused(filingProblems({ ...leave, type: "KOREKSI" }))).toBe("jam");
  });

  it("is still a message of the app's own (the error line shows it as it is)", () => {
    expect(() => check(about("nip", "NIP wajib diisi."))).toThrow(UserMessage);
    expect(messageOf(new FieldMessage("nip", "NIP wajib diisi."))).toBe("NIP wajib diisi.");
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
    // SMART names no admin to the employee: an admin's decision reads "ADMIN" (an older server sent the username)
    expect(withdrawnByOwner({ status: "cancelled", nip, decided_by: "ADMIN" })).toBe(false);
    expect(withdrawnByOwner({ status: "cancelled", nip, decided_by: "budi" })).toBe(false);
    expect(withdrawnByOwner({ status: "approved", nip, decided_by: "ADMIN" })).toBe(false);
    expect(withdrawnByOwner(undefined)).toBe(false);
  });
});

describe("a request whose answer was lost on a weak signal", () => {
  const sent = { type: "IZIN", start_date: "2026-12-07", end_date: "2026-12-07", reason: "Mengantar anak berobat", attachment: "/9j/4AAQ" };
  const listed = { request_id: "r-0123456789ab", ...sent, attachment: true, status: "pending" };

  it("counts as filed when the list read afterwards holds it, waiting (SMART files it once by its content)", () => {
    // GIVEN the POST got through but its answer was lost, WHEN the list is read, THEN the phone tells it was sent
    // (not "Tidak ada koneksi", which leads the employee to retake the letter's photo and file a second request)
    expect(filed([listed], sent)).toBe(true);
    const correction = { type: "KOREKSI", start_date: "2026-12-04", end_date: "2026-12-04", reason: "Lupa absen", time: "16:05", event_type: "out" as const };
    expect(filed([{ ...correction, status: "pending" }], correction)).toBe(true);
  });

  it("does not when the list holds none like it: another day, reason, time, letter, or one already decided", () => {
    expect(filed([], sent)).toBe(false);
    expect(filed([{ ...listed, status: "rejected" }], sent)).toBe(false);
    expect(filed([{ ...listed, end_date: "2026-12-08" }], sent)).toBe(false);
    expect(filed([{ ...listed, reason: "Urusan keluarga" }], sent)).toBe(false);
    expect(filed([{ ...listed, attachment: false }], sent)).toBe(false);
    const correction = { type: "KOREKSI", start_date: "2026-12-04", end_date: "2026-12-04", reason: "Lupa absen", time: "16:05", event_type: "out" as const };
    expect(filed([{ ...correction, time: "16:00", status: "pending" }], correction)).toBe(false);
    expect(filed([{ ...correction, event_type: "in", status: "pending" }], correction)).toBe(false);
  });
});
