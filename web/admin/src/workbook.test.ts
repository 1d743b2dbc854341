// A SIMPEG workbook's rows as the console reads them (workbook.ts), before the import is sent.
import { describe, expect, it } from "vitest";
import { UserMessage } from "../../shared/api";
import { columnName, numberNipProblem, recordsOf } from "./workbook";

const HEADER = ["NIP", " Nama ", "UNOR-ID", "Unor Nama", "Jabatan", "STATUS"];
const SITI = ["198501012010012001", "Siti Aminah", "SD-01", "SD Negeri 1", "Guru", "aktif"];
const UJANG = ["198703032012031002", "Ujang Hermawan", "SD-01", "SD Negeri 1", "Guru", "aktif"];

describe("columnName", () => {
  it("reads headers in the users' own spelling as the API's names", () => {
    expect(HEADER.map(columnName)).toEqual(["nip", "nama", "unor_id", "unor_nama", "jabatan", "status"]);
    expect(columnName("Gelar Depan")).toBe("gelar_depan");
  });
});

describe("recordsOf", () => {
  it("takes the first non-empty row as the header, skips blank rows and keeps each record's sheet row", () => {
    const book = recordsOf([[], [null, ""], HEADER, SITI, ["", null, undefined], UJANG]);
    expect(book.employees.map((e) => e.nama)).toEqual(["Siti Aminah", "Ujang Hermawan"]);
    expect(book.sheetRows).toEqual([4, 6]);
    expect(book.employees[0]).toEqual({
      nip: "198501012010012001",
      nama: "Siti Aminah",
      unor_id: "SD-01",
      unor_nama: "SD Negeri 1",
      jabatan: "Guru",
      status: "aktif",
    });
  });

  it("takes the optional titles when the sheet has them, in any column order", () => {
    const header = ["Gelar Belakang", ...HEADER.slice().reverse()];
    const book = recordsOf([header, ["S.Pd.", ...SITI.slice().reverse()]]);
    expect(book.employees[0]).toMatchObject({ nip: SITI[0], gelar_belakang: "S.Pd." });
    expect(book.employees[0]).not.toHaveProperty("gelar_depan");
  });

  it("names the missing required columns and imports nothing", () => {
    expect(() => recordsOf([["NIP", "Nama"], SITI.slice(0, 2)])).toThrow(
      new UserMessage(
        "Kolom wajib tidak ada di baris judul: unor_id, unor_nama, jabatan, status. " +
          "Kolom yang diharapkan: nip, nama, unor_id, unor_nama, jabatan, status.",
      ),
    );
  });

  it("refuses an empty sheet and a sheet with a header only", () => {
    expect(() => recordsOf([[], [null]])).toThrow("Lembar pertama berkas XLSX kosong.");
    expect(() => recordsOf([HEADER, []])).toThrow("Berkas XLSX tidak berisi baris pegawai.");
  });
});

describe("numberNipProblem: a NIP stored as a number", () => {
  it("is taken when the file holds all 18 digits", () => {
    expect(numberNipProblem("198501012010012001")).toBeNull();
  });

  it("is refused when Excel kept 15 digits, or the digits are not a NIP's", () => {
    expect(numberNipProblem("198501012010012000")).toBe(
      "tersimpan sebagai angka 198501012010012000 (hanya 15 digit yang tersimpan)",
    );
    expect(numberNipProblem("1.98501012010012E+17")).toBe("tersimpan sebagai angka 1.98501012010012E+17");
  });
});
