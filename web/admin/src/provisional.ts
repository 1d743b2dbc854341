// Whether a report sheet the Rekap screen downloads is still SEMENTARA (provisional, no signature block), and when
// its final sheet comes: said under the download buttons, before the admin prints a sheet a unit's head would sign.
// The server's rule (chalicelib/usecases/reports.py `day_final`, the month's `_final`): a day is final once a recap
// stored it and a run judged it after the next morning's run time, when the night shifts begun on it have their
// check-out; a month once its last day is. A page of a unit's day, and the monthly report, say which
// (`provisional`); without the server's word (an older server, a report not read) a note goes by the time that run
// is due.
import { dayText, monthText } from "../../shared/months";
import { zoneName } from "./format";

/** The local time the morning run that judges the day before whole is over: it starts at 10:30 and takes up to
 * 15 minutes (reports.MORNING_RUN, MORNING_RUN_TAKES). */
const FINAL_AT = "10:45";

const UNSIGNED = "berkasnya tanpa kolom tanda tangan dan angkanya masih dapat berubah";

/** The day after `day` (YYYY-MM-DD). */
function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}

/** The last day of `month` (YYYY-MM). */
function lastDay(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).toISOString().slice(0, 10);
}

/** The first local moment `day`'s stored recap is final by time, "YYYY-MM-DDTHH:MM", and how people read it
 * ("8 Desember 2026 pukul 10.45 WIB"). */
function finalFrom(day: string): { at: string; text: string } {
  const after = nextDay(day);
  return { at: `${after}T${FINAL_AT}`, text: `${dayText(after)} pukul ${FINAL_AT.replace(":", ".")} ${zoneName()}` };
}

/** Why a sheet past the morning run's time is still SEMENTARA (the server says so: the run that judges `what`
 * whole failed or never ran), and what makes it final (`recount`: the screen's button that judges it again). */
function notJudged(what: string, recount: string): string {
  return (
    `Rekap ulang pagi belum menilai ${what} setelah semua shiftnya selesai (gagal atau belum berjalan); lembar final ` +
    `tersedia setelah ${recount} atau rekap pukul 23.30 menilainya lagi.`
  );
}

/** What the monthly panel says of `month`'s files at `now` (`format.localNow`), given the server's word on them
 * (`provisional`, the monthly report's; null while not known or from a server that does not say): nothing once
 * the server says they are final; until the morning run after its last day is due, when they become final; after
 * it, that no run has judged the last day whole yet when the server says so, else (no word) nothing. */
export function monthNote(month: string, now: string, provisional: boolean | null = null): string | null {
  if (provisional === false) return null;
  const last = lastDay(month);
  const final = finalFrom(last);
  const head = `Rekap ${monthText(month)} masih SEMENTARA: ${UNSIGNED}, jadi jangan dipakai untuk pembayaran TPP. `;
  if (now < final.at)
    return `${head}Lembar final tersedia mulai ${final.text}, setelah rekap ulang pagi menilai hari terakhir bulan itu.`;
  if (provisional === null) return null;
  return head + notJudged(dayText(last), "Hitung Ulang tanggal itu");
}

/** The server's word on the files of several units' month, read unit by unit ("Semua unit"): provisional when any
 * unit's is (the file of them all says SEMENTARA then), final when every unit's is; null when none was read, or a
 * unit's report did not say and none is provisional. */
export function unitsProvisional(answers: (boolean | null)[]): boolean | null {
  if (answers.includes(true)) return true;
  return answers.length > 0 && answers.every((a) => a === false) ? false : null;
}

/** What the page of a unit's day said: whether a recap stored it (it has rows), and whether its files are
 * SEMENTARA (the server's `provisional`; null from a server that does not say). */
export interface DayRead {
  recapped: boolean;
  provisional: boolean | null;
}

/** What the daily panel says of `day`'s files at `now` (`read`: null while not known): nothing once the server
 * says they are final; until the next morning's run is due, when they become final; after it, that the day is not
 * recapped, or that no run has judged it whole yet (the morning run failed or never ran). */
export function dayNote(day: string, now: string, read: DayRead | null): string | null {
  if (read?.provisional === false) return null;
  const final = finalFrom(day);
  if (now < final.at)
    return (
      `Rekap harian ${dayText(day)} masih SEMENTARA: ${UNSIGNED}. ` +
      `Lembar final tersedia mulai ${final.text}, setelah rekap ulang pagi menilai shift malam yang mulai hari itu.`
    );
  if (read === null) return null;
  if (!read.recapped) return `Tanggal ${dayText(day)} belum direkap: berkasnya SEMENTARA tanpa kolom tanda tangan sampai rekapnya dihitung.`;
  if (!read.provisional) return null;
  return `Rekap harian ${dayText(day)} masih SEMENTARA: ${UNSIGNED}. ${notJudged("hari itu", "Hitung Ulang")}`;
}
