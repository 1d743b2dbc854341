// A SIMPEG workbook (.xlsx) read in the browser into the import's EmployeeRecords (API.md "Employees and units"),
// sent as JSON. The reader (read-excel-file) is loaded on first use only, so the console's first load stays small.
//
// Excel keeps 15 significant digits of a number: an 18-digit NIP typed into a number cell is stored as
// 1.98501012010011E+17 and its last digits are gone for good. A NIP cell that is a number is therefore taken only
// when the file holds all 18 digits (a workbook written by a program that keeps integers, e.g. openpyxl), and
// refused otherwise with what to do; a text cell is sent as it is (the API cleans spaces and ="..." itself).

import { UserMessage } from "../../shared/api";

export const COLUMNS = ["nip", "nama", "unor_id", "unor_nama", "jabatan", "status"] as const;
const OPTIONAL = ["gelar_depan", "gelar_belakang"] as const;
type Column = (typeof COLUMNS)[number] | (typeof OPTIONAL)[number];

export type EmployeeRecord = Record<(typeof COLUMNS)[number], string> & Partial<Record<(typeof OPTIONAL)[number], string>>;

export interface Workbook {
  employees: EmployeeRecord[];
  /** The spreadsheet row of each record (header = row 1): the API's row n (1-based in `employees`) is sheetRows[n - 1]. */
  sheetRows: number[];
}

/** A number cell, as the digits the file holds (never through a JavaScript number). */
class NumberCell {
  constructor(readonly text: string) {}
}

type Cell = string | number | boolean | Date | NumberCell | null | undefined;

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export const isWorkbook = (file: File): boolean => /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE;

/** "NIP", " Unor Nama ", "UNOR-ID" → the API's column names. */
export function columnName(title: string): string {
  return title.trim().toLowerCase().replace(/[\s\-.]+/g, "_");
}

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof NumberCell) return cell.text;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** Why a number cell cannot be this NIP, or null when it holds exactly 18 digits that did not pass through a double. */
export function numberNipProblem(digits: string): string | null {
  if (!/^\d{18}$/.test(digits)) return `tersimpan sebagai angka ${digits}`;
  // 15 significant digits padded with zeros is what a double-based writer leaves; no NIP's serial is 000.
  if (digits.endsWith("000")) return `tersimpan sebagai angka ${digits} (hanya 15 digit yang tersimpan)`;
  return null;
}

/** The records of the first sheet: the first non-empty row is the header, blank rows are skipped (row numbers kept). */
export function recordsOf(rows: Cell[][]): Workbook {
  const headerIndex = rows.findIndex((r) => r.some((c) => text(c) !== ""));
  if (headerIndex < 0) throw new UserMessage("Lembar pertama berkas XLSX kosong.");
  const header = (rows[headerIndex] ?? []).map((c) => columnName(text(c)));
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new UserMessage(`Kolom wajib tidak ada di baris judul: ${missing.join(", ")}. Kolom yang diharapkan: ${COLUMNS.join(", ")}.`);
  }
  const wanted: Column[] = [...COLUMNS, ...OPTIONAL.filter((c) => header.includes(c))];
  const employees: EmployeeRecord[] = [];
  const sheetRows: number[] = [];
  const lostNips: string[] = [];
  rows.slice(headerIndex + 1).forEach((cells, i) => {
    const sheetRow = headerIndex + i + 2;
    if (!cells.some((c) => text(c) !== "")) return;
    const record: Record<string, string> = {};
    for (const column of wanted) record[column] = text(cells[header.indexOf(column)]);
    const nipCell = cells[header.indexOf("nip")];
    const problem = nipCell instanceof NumberCell ? numberNipProblem(nipCell.text) : null;
    if (problem) lostNips.push(`baris ${String(sheetRow)}: ${problem}`);
    employees.push(record as EmployeeRecord);
    sheetRows.push(sheetRow);
  });
  if (lostNips.length) {
    const shown = lostNips.slice(0, 5).join("; ") + (lostNips.length > 5 ? `; dan ${String(lostNips.length - 5)} baris lain` : "");
    throw new UserMessage(
      `NIP di ${String(lostNips.length)} baris disimpan Excel sebagai angka dan digit terakhirnya hilang (${shown}). ` +
        "Ubah format kolom NIP menjadi Teks, ketik ulang NIP-nya (atau salin dari SIMPEG), simpan, lalu unggah lagi. Tidak ada data yang diimpor.",
    );
  }
  if (!employees.length) throw new UserMessage("Berkas XLSX tidak berisi baris pegawai.");
  return { employees, sheetRows };
}

/** Reads the workbook's first sheet (loading the reader now). */
export async function readWorkbook(file: File): Promise<Workbook> {
  const { readSheet } = await import("read-excel-file/browser");
  let rows: Cell[][];
  try {
    rows = (await readSheet(file, { parseNumber: (digits: string) => new NumberCell(digits) })) as unknown as Cell[][];
  } catch {
    throw new UserMessage("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel sebagai 'Excel Workbook (.xlsx)'.");
  }
  return recordsOf(rows);
}
