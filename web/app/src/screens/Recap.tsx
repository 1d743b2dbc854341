import { useState } from "preact/hooks";
import { call } from "../session";
import type { Recap as RecapAnswer } from "../types";
import { monthText, recentMonths } from "../../../shared/months";
import { clockOf, localDay } from "../clock";
import { percentText } from "../forms";
import { ColumnHeads, ErrorLine, Page, Select, useLoad } from "../ui";

/** The months "Bulan" offers: this one and the two before. From the 1st until the night's recap runs, this month
 * has no day yet, and the month just closed (the one the TPP is paid on) is what the employee comes to read. */
const MONTHS_OFFERED = 3;

const COUNT_NAMES: Record<string, string> = {
  H: "Hadir tepat waktu",
  TK: "Tanpa keterangan",
  DL: "Dinas luar",
  C: "Cuti",
  I: "Izin",
  S: "Sakit",
  LIBUR: "Libur",
};

/** A count's name: the fixed categories, and the late (TL1–TL4) and early-leave (PSW1–PSW4) levels. */
function countName(code: string): string {
  const level = /^(TL|PSW)([1-4])$/.exec(code);
  if (level) return `${level[1] === "TL" ? "Terlambat" : "Pulang sebelum waktunya"} tingkat ${level[2] ?? ""} (${code})`;
  return COUNT_NAMES[code] ?? code;
}

function timeText(value: string | null): string {
  if (!value) return "–";
  return value.length > 5 ? clockOf(value) : value;
}

/** "Rekap Bulan Ini": the month's statuses and the TPP deduction, the same figures as the monthly report; a month
 * before it can be chosen (`MONTHS_OFFERED`). */
export function Recap() {
  const thisMonth = localDay().slice(0, 7);
  const [month, setMonth] = useState(thisMonth);
  const months = recentMonths(thisMonth, MONTHS_OFFERED).map((m) => [m, monthText(m)] as const);
  const { data, error, loading } = useLoad((signal) => call<RecapAnswer>("GET", `/v1/me/recap?month=${month}`, undefined, signal), month);
  const recap = loading || error ? null : data; // the month chosen before is not shown under this one's name

  const counts = Object.entries(recap?.counts ?? {}).filter(([, n]) => n > 0);
  return (
    <Page title="Rekap Bulan Ini" back>
      <Select id="bulan" label="Bulan" value={month} options={months} onChange={setMonth} />
      <h2>{monthText(month)}</h2>
      <ErrorLine message={error} />
      {recap === null && !error ? <p aria-live="polite">Memuat…</p> : null}
      {recap ? (
        <>
          <p class="name">Potongan TPP: {percentText(recap.deduction_percent)}</p>
          {/* One line per count, its days going under its name when large text leaves no room beside it. */}
          <dl class="counts">
            {counts.map(([code, n]) => (
              <div key={code}>
                <dt>{countName(code)}</dt>
                <dd>{n} hari</dd>
              </div>
            ))}
          </dl>
          {recap.days.length === 0 ? (
            <p>
              {month === thisMonth
                ? "Belum ada hari yang direkap bulan ini. Rekap bulan lalu dapat dipilih di Bulan."
                : `Tidak ada hari yang direkap pada ${monthText(month)}.`}
            </p>
          ) : null}
          {/* Wider than a phone with large text: the table scrolls sideways in its own region (a named, focusable
              one, so a keyboard scrolls it too), the page itself never does. */}
          <div class="table-scroll" role="region" aria-labelledby="rekap-harian" tabIndex={0} hidden={recap.days.length === 0}>
            <table>
              <caption id="rekap-harian" class="muted">
                Status per hari
              </caption>
              <ColumnHeads labels={["Tanggal", "Status", "Masuk", "Pulang"]} />
              <tbody>
                {recap.days.map((d) => (
                  <tr key={d.date}>
                    <td>{Number(d.date.slice(8, 10))}</td>
                    <td>{d.status ?? "–"}</td>
                    <td>{timeText(d.check_in)}</td>
                    <td>{timeText(d.check_out)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {recap.days.length ? (
            <p class="muted">
              H: hadir tepat waktu; TL1–TL4: terlambat masuk; PSW1–PSW4: pulang sebelum waktunya (angka: tingkatnya); TK: tanpa keterangan; DL: dinas
              luar; C: cuti; I: izin; S: sakit.
            </p>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
