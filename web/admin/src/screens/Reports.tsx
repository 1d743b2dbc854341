// "Rekap" (daily statuses and the monthly report with its downloads), "SIMPEG" (sync, CSV or XLSX import with the
// confirmation of large deactivations and the rows refused, run history) and "Log Audit".
import { Fragment, type ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, UserMessage } from "../../../shared/api";
import { dayText, monthText } from "../../../shared/months";
import { useConsole, unitOptions } from "../context";
import type { Route } from "../router";
import type { Unit } from "../types";
import { facesQueueHref } from "./Employees";
import { call, canChange, fetchFile, fileTooLarge, get, readsRegency, upload, withQuery, type Query } from "../session";
import {
  confirmation,
  confirmLabel,
  counted,
  heldNote,
  inactiveNote,
  jobResult,
  named,
  refusedCount,
  refusedRows,
  rowErrorText,
  runNote,
  runStatus,
  sendAgainHint,
  supersededBy,
  supersededNote,
  syncOutcome,
  JOB_NAMES,
  RUN_STATUS,
  TRIGGERS,
  type JobRun,
  type RowError,
  type SimpegRun,
} from "../runs";
import { actionChoices, actionName, actorText, detailText } from "../audit";
import { isWorkbook, readWorkbook, XLSX_TYPE } from "../workbook";
import { recapOutcome, type RecapAnswer } from "../recapRun";
import { count, dateTime, decimal, localNow, time, today, zoneName } from "../format";
import { dayNote, monthNote, unitsProvisional, type DayRead } from "../provisional";
import { ActionForm, allPages, checkRange, countOf, DoneLine, firstPages, MoreNotice, ErrorLine, Field, Form, Labelled, NO_ROWS, Outcome, Screen, Select, Submit, Table, useAction, useId, useLoad, type Column, type Page } from "../ui";

interface DailyRow {
  nip: string;
  nama: string;
  status: string;
  check_in: string | null;
  check_out: string | null;
  late_minutes: number | null;
  early_minutes: number | null;
  deduction_percent: number;
}

/** A page of a unit's day (`GET /v1/admin/recaps/daily`): its rows, and whether its files come out SEMENTARA. */
interface DayPage extends Page<DailyRow> {
  provisional?: boolean | null;
}

/** A unit's day: every row, and what the server says of its files (`DayRead`; its last page read is the latest word). */
async function unitDay(date: string, unit: string, signal: AbortSignal): Promise<{ rows: DailyRow[]; read: DayRead }> {
  const pages: DayPage[] = [];
  const rows = await allPages<DailyRow, DayPage>("/v1/admin/recaps/daily", { date, unor_id: unit }, signal, (page) => void pages.push(page));
  return { rows, read: { recapped: rows.length > 0, provisional: pages[pages.length - 1]?.provisional ?? null } };
}

interface MonthlyRow {
  nip: string;
  nama: string;
  /** With "Semua unit", an employee who moved during the month has a row in each unit: the key is unit and NIP. */
  unor_id: string;
  unor_nama: string;
  counts: Record<string, number>;
  working_days: number;
  present_days: number;
  late_minutes: number;
  early_minutes: number;
  deduction_percent: number;
}

/** Fetches a file of the API with the session's token and hands it to the browser as a download; an answer
 * that is a link (`download_url`, large exports) is followed instead. */
export async function download(path: string, query: Query, fallbackName: string): Promise<void> {
  const file = await fetchFile(withQuery(path, query));
  if ((file.headers.get("Content-Type") ?? "").startsWith("application/json")) {
    const link = JSON.parse(await file.body.text()) as { download_url?: string; filename?: string };
    if (link.download_url) {
      save(link.download_url, link.filename ?? fallbackName);
      return;
    }
  }
  // A file answered inline (a CSV) is named by the API (the unit's name, not its id).
  const named = /filename="([^"]+)"/.exec(file.headers.get("Content-Disposition") ?? "")?.[1];
  const url = URL.createObjectURL(file.body);
  save(url, named ?? fallbackName);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function save(href: string, filename: string): void {
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.rel = "noopener";
  a.click();
}

type ExportFormat = "csv" | "xlsx" | "pdf";

interface MonthlyExport {
  export_id: string;
  status: "running" | "succeeded" | "failed" | "expired";
  filename: string | null;
  download_url: string | null;
  message: string | null;
}

/** How often a file being built is asked after, and for how long: its worker ends within 15 minutes. */
const EXPORT_POLL_MS = 1500;
const EXPORT_WAIT_MS = 16 * 60_000;
const EXPORT_FAILED = "Berkas rekap gagal dibuat; coba lagi.";
/** Polls in a row that may fail for want of a connection or a moment's server trouble: the file is still being
 * built meanwhile, so the console asks again instead of giving the export up. */
const EXPORT_POLL_MISSES = 5;

/** The monthly report as a file, built by the server in the background (a regency's report can outlast a
 * request): started, asked after until it is built, then downloaded. `signal`: the screen went (another screen,
 * "Keluar"), and the asking ends with it: it went on for up to 16 minutes, downloading the file on another screen
 * or, after "Keluar", ending in a 401 that told the login the session had ended. */
async function exportMonth(month: string, unit: string, format: ExportFormat, signal: AbortSignal): Promise<void> {
  const body = { month, format, ...(unit ? { unor_id: unit } : {}) };
  let e = await call<MonthlyExport>("POST", "/v1/admin/recaps/monthly/exports", body, signal);
  const deadline = Date.now() + EXPORT_WAIT_MS;
  const path = `/v1/admin/recaps/monthly/exports/${encodeURIComponent(e.export_id)}`;
  let misses = 0;
  while (e.status === "running") {
    if (Date.now() > deadline) throw new UserMessage(EXPORT_FAILED);
    await new Promise((resolve) => setTimeout(resolve, EXPORT_POLL_MS));
    if (signal.aborted) return;
    try {
      e = await get<MonthlyExport>(path, undefined, signal);
      misses = 0;
    } catch (exc) {
      const passing = exc instanceof ApiError && (exc.status === 0 || exc.status >= 500);
      if (!passing || ++misses > EXPORT_POLL_MISSES) throw exc;
    }
  }
  if (e.status !== "succeeded" || !e.download_url) throw new UserMessage(e.message ?? EXPORT_FAILED);
  save(e.download_url, e.filename ?? `rekap-${month}.${format}`);
}

const dailyColumns: Column<DailyRow>[] = [
  { label: "Nama", cell: (r) => r.nama, sort: (r) => r.nama },
  { label: "NIP", cell: (r) => r.nip, sort: (r) => r.nip },
  // "TL1+PSW2" when both: the status already names its parts
  { label: "Status", cell: (r) => r.status, sort: (r) => r.status },
  { label: "Masuk", cell: (r) => time(r.check_in), sort: (r) => r.check_in ?? "" },
  { label: "Pulang", cell: (r) => time(r.check_out), sort: (r) => r.check_out ?? "" },
  { label: "Terlambat (menit)", cell: (r) => r.late_minutes ?? 0, sort: (r) => r.late_minutes ?? 0 },
  { label: "Pulang cepat (menit)", cell: (r) => r.early_minutes ?? 0, sort: (r) => r.early_minutes ?? 0 },
  { label: "Potongan (%)", cell: (r) => decimal(r.deduction_percent, 2), sort: (r) => r.deduction_percent },
];

const monthlyColumns: Column<MonthlyRow>[] = [
  { label: "Nama", cell: (r) => r.nama, sort: (r) => r.nama },
  { label: "NIP", cell: (r) => r.nip, sort: (r) => r.nip },
  { label: "Unit", cell: (r) => r.unor_nama, sort: (r) => r.unor_nama },
  { label: "Hari kerja", cell: (r) => r.working_days, sort: (r) => r.working_days },
  { label: "Hadir", cell: (r) => r.present_days, sort: (r) => r.present_days },
  { label: "TK", cell: (r) => r.counts["TK"] ?? 0, sort: (r) => r.counts["TK"] ?? 0 },
  { label: "Terlambat (menit)", cell: (r) => r.late_minutes, sort: (r) => r.late_minutes },
  { label: "Potongan TPP (%)", cell: (r) => decimal(r.deduction_percent, 2), sort: (r) => r.deduction_percent },
];

const NO_UNIT = "Belum ada unit yang dipilih.";
const FILE_FORMATS: ExportFormat[] = ["xlsx", "csv", "pdf"];

/** A button of one of Rekap's steps (Hitung Ulang, a download). While a step runs it is `aria-disabled` and does
 * nothing, rather than `disabled`: a disabled button drops the focus to the page, and the admin who pressed it
 * would start again from the top instead of at the outcome, said right under it (`StepOutcome`). `disabled`: the
 * step cannot be taken here at all (no unit chosen). */
function StepButton(p: { busy: boolean; disabled?: boolean; onClick: () => void; children: ComponentChildren }) {
  return (
    <button
      type="button"
      class="secondary"
      disabled={p.disabled ?? false}
      aria-disabled={p.busy || undefined}
      onClick={() => {
        if (!p.busy) p.onClick();
      }}
    >
      {p.children}
    </button>
  );
}

/** "Unduh XLSX", "Unduh CSV", "Unduh PDF" of the table of the panel they stand in ("Rekap harian", "Rekap
 * bulanan": each panel's heading says which). */
function FileButtons({ busy, disabled, onFile }: { busy: boolean; disabled?: boolean; onFile: (format: ExportFormat) => void }) {
  return (
    <>
      {FILE_FORMATS.map((format) => (
        <StepButton key={format} busy={busy} disabled={disabled ?? false} onClick={() => onFile(format)}>
          Unduh {format.toUpperCase()}
        </StepButton>
      ))}
    </>
  );
}

/** The panel of Rekap whose buttons took a step: its outcome is said there, under them. */
type Panel = "day" | "month";

/** A step's outcome right under the buttons of the panel that took it (`mine`), where the admin who pressed one is
 * looking, not under the monthly table at the page's end: the failure an alert, the progress and the success a
 * polite status present from the start, each said once. Another panel's step leaves this one empty. */
function StepOutcome({ mine, error, said }: { mine: boolean; error: string | null; said: string | null }) {
  return (
    <>
      <ErrorLine message={mine ? error : null} />
      <DoneLine message={mine ? said : null} />
    </>
  );
}

/** The monthly table's rows, and whether their files come out SEMENTARA (the server's `provisional`; null from a
 * server that does not say). */
interface MonthRead {
  rows: MonthlyRow[];
  provisional: boolean | null;
}

/** One unit's monthly report: its rows and the server's word on its files. */
const unitMonth = (month: string, unit: string, signal: AbortSignal): Promise<MonthRead> =>
  get<{ items: MonthlyRow[]; provisional?: boolean | null }>("/v1/admin/recaps/monthly", { month, unor_id: unit, format: "json" }, signal).then(
    (m) => ({ rows: m.items, provisional: m.provisional ?? null }),
  );

/** Units whose monthly rows are read at the same time when every unit is shown. */
const UNITS_AT_ONCE = 4;

/** Every unit's month, read unit by unit, a few at once, in the units' order: the regency's report in one request
 * takes about as long as API Gateway lets a request run (29 s). `onRead` hears how many units are read. Its files
 * are SEMENTARA when any unit's are (`unitsProvisional`). */
async function everyUnitMonth(month: string, units: Unit[], signal: AbortSignal, onRead: (count: number) => void): Promise<MonthRead> {
  const reads: MonthRead[] = units.map(() => ({ rows: [], provisional: null }));
  const queue = units.map((u, index) => ({ index, id: u.unor_id }));
  let read = 0;
  async function reader(): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) {
      reads[next.index] = await unitMonth(month, next.id, signal);
      onRead(++read);
    }
  }
  await Promise.all(Array.from({ length: Math.min(UNITS_AT_ONCE, units.length) }, reader));
  return { rows: reads.flatMap((r) => r.rows), provisional: unitsProvisional(reads.map((r) => r.provisional)) };
}

export function Recaps(_: { route: Route }) {
  const { units, session } = useConsole();
  const [unit, setUnit] = useState(units.length === 1 ? (units[0]?.unor_id ?? "") : "");
  const [date, setDate] = useState(today());
  const [month, setMonth] = useState(today().slice(0, 7));
  // The monthly table of every visible unit is read only when asked for: for a super admin it is the whole
  // regency (7,000 rows, many seconds), too much to load each time "Rekap" opens. Its downloads need no table.
  const [everyUnit, setEveryUnit] = useState(false);
  const chooseUnit = (u: string): void => {
    setUnit(u);
    setEveryUnit(false);
  };
  const monthShown = unit !== "" || everyUnit;
  // The daily recap is per unit (the API asks for one); the monthly report also covers every visible unit.
  const daily = useLoad((signal) => (unit ? unitDay(date, unit, signal) : Promise.resolve(null)), `${date}|${unit}`);
  const [unitsRead, setUnitsRead] = useState(0);
  const monthly = useLoad((signal) => {
    if (!monthShown) return Promise.resolve({ rows: [], provisional: null });
    if (unit) return unitMonth(month, unit, signal);
    setUnitsRead(0);
    return everyUnitMonth(month, units, signal, setUnitsRead);
  }, `${month}|${unit}|${String(monthShown)}`);
  const action = useAction();
  // Which panel's buttons took the running or last step: its outcome is said there.
  const [stepOf, setStepOf] = useState<Panel | null>(null);
  const step = (panel: Panel, run: () => Promise<string | null>): Promise<boolean> => {
    setStepOf(panel);
    return action.run(run);
  };
  const [preparing, setPreparing] = useState<string | null>(null);
  // The screen's lifetime: an export asked after stops with it.
  const [gone] = useState(() => new AbortController());
  useEffect(() => () => gone.abort(), [gone]);
  // Before a sheet is downloaded and printed: whether it comes out SEMENTARA, unsigned, and when the final one comes.
  const now = localNow();
  const dayProvisional = unit ? dayNote(date, now, daily.loading || !daily.data ? null : daily.data.read) : null;
  // The month's note follows the report the table read (one unit, or every unit when shown); without a table (the
  // regency's is read only when asked for) it goes by the clock.
  const monthProvisional = monthNote(month, now, monthly.loading || !monthly.data ? null : monthly.data.provisional);
  // A unit's day is small: the server answers its file at once (a CSV inline, an XLSX or PDF as a link).
  const dayFile = (format: ExportFormat): void =>
    void step("day", async () => {
      await download("/v1/admin/recaps/daily", { date, unor_id: unit, format }, `rekap-harian-${unit}-${date}.${format}`);
      return `Berkas ${format.toUpperCase()} rekap harian ${dayText(date)} diunduh.`;
    });
  const file = (format: ExportFormat): void =>
    void step("month", async () => {
      const monthName = monthText(month);
      setPreparing(`Menyiapkan berkas ${format.toUpperCase()} rekap ${monthName}… Berkas semua unit bisa memerlukan beberapa menit; halaman ini boleh tetap terbuka.`);
      try {
        await exportMonth(month, unit, format, gone.signal);
      } finally {
        setPreparing(null);
      }
      return `Berkas ${format.toUpperCase()} rekap ${monthName} diunduh.`;
    });
  return (
    <Screen
      title="Rekap"
      actions={
        <button type="button" class="secondary" onClick={() => window.print()}>
          Cetak Layar
        </button>
      }
    >
      <div class="filters">
        <Select label="Unit" value={unit} onChange={chooseUnit} options={unitOptions(units, "Semua unit")} />
      </div>
      <section class="panel">
        <h2>Rekap harian</h2>
        <div class="filters">
          <Field label="Tanggal rekap" type="date" value={date} onInput={(v) => v && setDate(v)} />
          {canChange(session) ? (
            <StepButton
              busy={action.busy}
              onClick={() =>
                void step("day", async () => {
                  // Judged as the 23:30 run judges it (decision 144): today as it stands, nobody SMART did not follow yet.
                  const body = { date, as_scheduled: true, ...(unit ? { unor_id: unit } : {}) };
                  // A regency's units the request had no time for go on in the background (202 with run_id).
                  const r = await call<RecapAnswer>("POST", "/v1/admin/recaps/daily", body);
                  return recapOutcome(r, session.role === "super_admin");
                }).then(daily.reload)
              }
            >
              Hitung Ulang
            </StepButton>
          ) : null}
          <FileButtons busy={action.busy} disabled={!unit} onFile={dayFile} />
        </div>
        <StepOutcome mine={stepOf === "day"} error={action.error} said={action.done} />
        {dayProvisional ? <p class="hint">{dayProvisional}</p> : null}
        {canChange(session) && date === today() ? (
          <p class="hint">
            Hari ini belum selesai: Hitung Ulang mencatat keadaan saat ini (belum absen pulang bukan PSW, belum datang belum berstatus); rekap pukul 23.30 menilainya lagi.
          </p>
        ) : null}
        <ErrorLine message={daily.error} />
        {!unit ? <p class="hint">Pilih satu unit untuk melihat rekap harian.</p> : null}
        <Table caption={`Rekap harian ${dayText(date)}`} rows={daily.data?.rows ?? []} loading={daily.loading} empty={unit ? NO_ROWS : NO_UNIT} columns={dailyColumns} rowKey={(r) => r.nip} />
      </section>
      <section class="panel">
        <h2>Rekap bulanan</h2>
        <div class="filters">
          <Field label="Bulan" type="month" value={month} onInput={(v) => v && setMonth(v)} />
          <FileButtons busy={action.busy} onFile={file} />
        </div>
        <StepOutcome mine={stepOf === "month"} error={action.error} said={preparing ?? action.done} />
        {monthProvisional ? <p class="hint">{monthProvisional}</p> : null}
        {monthly.loading && monthShown && !unit ? (
          <p class="hint" role="status">
            Memuat rekap bulanan: {count(unitsRead)} dari {count(units.length)} unit…
          </p>
        ) : null}
        <ErrorLine message={monthly.error} />
        {monthShown ? null : (
          <div class="filters">
            <p class="hint">Pilih satu unit untuk melihat rekap bulanan. Tabel semua unit memuat seluruh pegawai dan bisa lama; unduhan tidak memerlukannya.</p>
            <button type="button" class="secondary" onClick={() => setEveryUnit(true)}>
              Tampilkan Semua Unit
            </button>
          </div>
        )}
        <Table caption={`Rekap bulanan ${monthText(month)}`} rows={monthly.data?.rows ?? []} loading={monthly.loading} empty={monthShown ? NO_ROWS : NO_UNIT} columns={monthlyColumns} rowKey={(r) => `${r.unor_id}|${r.nip}`} />
      </section>
    </Screen>
  );
}

const jobColumns: Column<JobRun>[] = [
  { label: "Tugas", cell: (r) => JOB_NAMES[r.job] ?? r.job, sort: (r) => r.job },
  { label: "Mulai", cell: (r) => dateTime(r.started_at), sort: (r) => r.started_at },
  { label: "Selesai", cell: (r) => dateTime(r.finished_at), sort: (r) => r.finished_at ?? "" },
  { label: "Pemicu", cell: (r) => named(TRIGGERS, r.trigger) },
  { label: "Status", cell: (r) => named(RUN_STATUS, r.status), sort: (r) => r.status },
  { label: "Hasil", cell: jobResult },
];

/** The scheduled jobs' last runs (the nightly recap the TPP report rests on, the SIMPEG sync): a failed or
 * missing night shows here before anyone reads a wrong report. */
function Jobs() {
  const runs = useLoad((signal) => get<{ items: JobRun[] }>("/v1/admin/jobs", { limit: 30 }, signal).then((a) => a.items), "jobs");
  return (
    <section class="panel" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Tugas terjadwal</h2>
      <p class="hint">
        Rekap harian berjalan setiap pukul 23.30, sinkronisasi SIMPEG pukul 01.00, dan rekap ulang hari sebelumnya (sif malam yang selesai pagi itu) pukul 10.30 {zoneName()}.
      </p>
      <ErrorLine message={runs.error} />
      <Table caption="Riwayat tugas terjadwal" rows={runs.data ?? []} loading={runs.loading} columns={jobColumns} rowKey={(r) => r.run_id} pageSize={10} empty="Belum ada tugas yang berjalan." />
    </section>
  );
}

interface ImportAnswer {
  status?: string;
  run_id?: string;
  created?: number;
  updated?: number;
  deactivated?: number;
  unchanged?: number;
  moved?: number;
  stranded?: number;
  emptied_units?: number;
  blocked_by?: string[];
  errors?: RowError[];
  inactive_statuses?: Record<string, number>;
}

const rowErrorColumns: Column<RowError>[] = [
  { label: "Baris", cell: (e) => e.row, sort: (e) => e.row },
  { label: "NIP", cell: (e) => e.nip ?? "–", sort: (e) => e.nip ?? "" },
  { label: "Kode", cell: (e) => e.code, sort: (e) => e.code },
  { label: "Pesan", cell: (e) => e.message },
];

/** Sends the chosen file: a CSV as it is (`text/csv`), a workbook read here into `{"employees", "full"}` JSON.
 * Row errors come back numbered as the spreadsheet's rows either way. */
async function sendImport(file: File, full: boolean, confirmCount: number | null): Promise<ImportAnswer> {
  const path = "/v1/admin/simpeg/import";
  if (!isWorkbook(file)) {
    const query: Query = { full: full ? "true" : null, confirm_deactivations: confirmCount };
    return upload<ImportAnswer>(withQuery(path, query), file, "text/csv; charset=utf-8");
  }
  const { employees, sheetRows } = await readWorkbook(file);
  const a = await call<ImportAnswer>("POST", withQuery(path, { confirm_deactivations: confirmCount }), { employees, full }).catch((exc: unknown) => {
    throw fileTooLarge(exc);
  });
  a.errors?.forEach((e) => (e.row = sheetRows[e.row - 1] ?? e.row));
  return a;
}

/** A run's refused rows in the history: their count, opened to each row's NIP, row and reason. */
function refusedCell(run: SimpegRun) {
  const total = refusedCount(run);
  const rows = refusedRows(run);
  if (!total) return "0";
  return (
    <details>
      <summary>{count(total)} baris salah</summary>
      <ul style={{ maxHeight: "20rem", overflowY: "auto", paddingLeft: "1.2rem" }}>
        {rows.map((e) => (
          <li key={`${String(e.row)}-${e.code}`}>{rowErrorText(e)}</li>
        ))}
      </ul>
      {rows.length < total ? <p class="hint">{`Ditampilkan ${count(rows.length)} baris pertama dari ${count(total)}.`}</p> : null}
    </details>
  );
}

export function Simpeg(_: { route: Route }) {
  const runs = useLoad((signal) => firstPages<SimpegRun>("/v1/admin/simpeg/runs", {}, signal, 200), "runs");
  const [file, setFile] = useState<File | null>(null);
  const [full, setFull] = useState(false);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [rowErrors, setRowErrors] = useState<RowError[]>([]);
  const action = useAction();
  async function send(confirmCount: number | null): Promise<string | null> {
    if (!file) throw new UserMessage("Pilih berkas CSV atau XLSX.");
    setRowErrors([]);
    const a = await sendImport(file, full, confirmCount);
    runs.reload();
    setRowErrors(a.errors ?? []);
    if (a.status === "needs_confirmation") {
      setConfirm(a.deactivated ?? 0);
      return `${heldNote(a.blocked_by, { deactivated: a.deactivated, stranded: a.stranded, emptied_units: a.emptied_units })} Periksa, lalu konfirmasi.${inactiveNote(a.inactive_statuses)}`;
    }
    setConfirm(null);
    if (a.run_id && a.created === undefined) return "Impor berjalan di latar belakang; lihat riwayat di bawah.";
    return `Impor selesai: ${String(a.created ?? 0)} baru, ${String(a.updated ?? 0)} diperbarui, ${String(a.deactivated ?? 0)} dinonaktifkan, ${String(a.unchanged ?? 0)} tetap, ${String(a.errors?.length ?? 0)} baris salah.${inactiveNote(a.inactive_statuses)}`;
  }
  const listed = runs.data?.items ?? [];
  const confirmSync = (r: SimpegRun): void =>
    void action
      .run(async () => {
        const answer = await call<Partial<SimpegRun>>("POST", `/v1/admin/simpeg/runs/${encodeURIComponent(r.run_id)}/confirm`);
        return `Konfirmasi diterima. ${syncOutcome(answer)}`;
      })
      .then(runs.reload);
  const columns: Column<SimpegRun>[] = [
    { label: "Mulai", cell: (r) => dateTime(r.started_at), sort: (r) => r.started_at },
    { label: "Pemicu", cell: (r) => named(TRIGGERS, r.trigger.kind) + (r.trigger.actor ? ` (${r.trigger.actor})` : "") },
    { label: "Status", cell: (r) => runStatus(r, listed), sort: (r) => r.status },
    { label: "Jumlah", cell: (r) => counted(r.counts) + inactiveNote(r.inactive_statuses) + runNote(r) },
    { label: "Baris salah", cell: refusedCell, sort: refusedCount },
    {
      label: "Aksi",
      cell: (r) => {
        const later = supersededBy(r, listed);
        if (later) return <span class="hint">{supersededNote(later)}</span>;
        const how = confirmation(r);
        if (how === "send-again") return <span class="hint">{`${heldNote(r.blocked_by, r.counts)} ${sendAgainHint(r)}`}</span>;
        if (how !== "button") return null;
        return (
          <>
            <span class="hint">{heldNote(r.blocked_by, r.counts)}</span>
            <button type="button" disabled={action.busy} onClick={() => confirmSync(r)}>
              Konfirmasi Sinkronisasi
            </button>
          </>
        );
      },
    },
  ];
  return (
    <Screen title="SIMPEG">
      <section class="panel">
        <h2>Sinkronisasi</h2>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action
              .run(async () => {
                const answer = await call<Partial<SimpegRun>>("POST", "/v1/admin/simpeg/sync");
                if (answer.status === "failed") throw new UserMessage(syncOutcome(answer));
                return syncOutcome(answer);
              })
              .then(runs.reload)
          }
        >
          Sinkronkan Sekarang
        </button>
      </section>
      <ActionForm class="panel" label="Impor berkas SIMPEG" action={action} submit={() => send(null)}>
        <h2>Impor berkas</h2>
        <Labelled id="simpeg-file" label="Berkas CSV atau XLSX (kolom nip, nama, gelar_depan, gelar_belakang, unor_id, unor_nama, jabatan, status)">
          <input
            id="simpeg-file"
            type="file"
            aria-describedby="simpeg-file-hint"
            accept={`.csv,text/csv,.xlsx,${XLSX_TYPE}`}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </Labelled>
        <p class="hint" id="simpeg-file-hint">Kolom gelar boleh kosong bagi pegawai tanpa gelar, tetapi jangan dihilangkan: berkas tanpa kolom gelar_depan dan gelar_belakang mengosongkan gelar yang tersimpan.</p>
        <label class="check">
          <input type="checkbox" checked={full} onChange={(e) => setFull(e.currentTarget.checked)} /> Impor penuh (pegawai yang tidak ada
          di berkas dinonaktifkan)
        </label>
        <Submit action={action} disabled={!file}>
          Impor
        </Submit>
        {confirm !== null ? (
          <button type="button" class="danger" disabled={action.busy} onClick={() => void action.run(() => send(confirm))}>
            {confirmLabel(confirm)}
          </button>
        ) : null}
      </ActionForm>
      <Outcome action={action} />
      {rowErrors.length ? (
        <Table caption="Baris yang tidak diimpor" rows={rowErrors} columns={rowErrorColumns} rowKey={(e) => `${String(e.row)}-${e.code}`} pageSize={20} />
      ) : null}
      <ErrorLine message={runs.error} />
      <MoreNotice listing={runs.data} what="proses terbaru" rest="Proses yang lebih lama tetap tersimpan." />
      <Table caption="Riwayat sinkronisasi dan impor" rows={runs.data?.items ?? []} loading={runs.loading} columns={columns} rowKey={(r) => r.run_id} pageSize={20} />
      <Jobs />
    </Screen>
  );
}

interface AuditEntry {
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string;
  details: Record<string, unknown> | null;
}

/** The lists a `view.*` entry's links were handed through (`details.via`). */
const VIA_NAMES: Record<string, string> = {
  reviews: "Verifikasi",
  attempts: "Percobaan Ditolak",
  faces: "Wajah pegawai",
  pending_faces: "Wajah menunggu persetujuan",
  requests: "Pengajuan",
};

const LOGS: [string, string][] = [
  ["changes", "Perubahan data"],
  ["views", "Akses foto & lampiran pegawai"],
];

/** An entry's details as read: the links an admin was handed in a sentence, any other as "key: value" text. */
function auditDetails(e: AuditEntry): string {
  const via = e.details?.via;
  const links = e.details?.links;
  if (e.action.startsWith("view.") && typeof via === "string" && typeof links === "number") {
    const what = e.action === "view.attachments" ? "lampiran" : "foto";
    return `${count(links)} tautan ${what} dari ${VIA_NAMES[via] ?? via}`;
  }
  return detailText(e.details);
}

/** Details wrap between words, and a word too long for its column breaks inside (the log fits a laptop). */
const WRAP = { overflowWrap: "break-word" } as const;

/** An id or code that may break after its dots and commas ("1985….20261206T115439Z.1b4369dd", "U1,U2"): the
 * log fits a laptop's width without splitting a NIP. */
function breakable(text: string) {
  return (text.match(/[^.,]*[.,]|[^.,]+$/g) ?? [text]).map((part, i) => (
    <Fragment key={i}>
      {i ? <wbr /> : null}
      {part}
    </Fragment>
  ));
}

const auditColumns: Column<AuditEntry>[] = [
  { label: "Waktu", cell: (e) => dateTime(e.at), sort: (e) => e.at },
  { label: "Pelaku", cell: (e) => <div style={WRAP}>{actorText(e.actor, e.role)}</div>, sort: (e) => e.actor },
  {
    label: "Tindakan",
    cell: (e) => (
      // One element: on a phone's card the code stays under the name, in the value column
      <div>
        {actionName(e.action)}
        <div class="hint" title="Kode tindakan">
          <code>{breakable(e.action)}</code>
        </div>
      </div>
    ),
    sort: (e) => actionName(e.action),
  },
  { label: "Sasaran", cell: (e) => <div style={WRAP}>{breakable(e.target)}</div>, sort: (e) => e.target },
  { label: "Rincian", cell: (e) => <div style={WRAP}>{auditDetails(e)}</div> },
];

/** "Tindakan": every action of the part of the log shown, by name, grouped by what it is about; a family's
 * first choice takes all of it (the API's `action` filter matches `face` to `face.*`). */
function ActionSelect({ value, views, onChange }: { value: string; views: boolean; onChange: (value: string) => void }) {
  const id = useId("s");
  const groups = actionChoices(views);
  const known = value === "" || groups.some((g) => g.options.some(([code]) => code === value));
  return (
    <Labelled id={id} label="Tindakan">
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">Semua tindakan</option>
        {known ? null : <option value={value}>{value}</option>}
        {groups.map((g) => (
          <optgroup key={g.family} label={g.label}>
            {g.options.map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </Labelled>
  );
}

/** The audit screen, opened on today's changes, or from an employee's page (`#/audit?log=views&target=<NIP>`) on
 * the links to that employee's files over the last 30 days. A unit admin or an auditor of some units reads the
 * changes of their units only (the server filters them), and not the record of links (the server refuses it). */
export function Audit({ route }: { route: Route }) {
  const { session } = useConsole();
  const regency = readsRegency(session);
  const target = route.params.get("target") ?? "";
  const [filters, setFilters] = useState({
    log: regency ? (route.params.get("log") ?? "changes") : "changes",
    from: target ? daysAgo(30) : today(),
    to: today(),
    actor: "",
    action: "",
    target,
  });
  const [applied, setApplied] = useState(filters);
  const { log, ...asked } = applied;
  // The links to employees' files are their own part of the log: asked for as the `view` family of actions.
  const query = { ...asked, action: asked.action || (log === "views" ? "view" : "") };
  const loaded = useLoad((signal) => firstPages<AuditEntry>("/v1/admin/audit", query, signal, 5000), JSON.stringify(query));
  const field = (key: Exclude<keyof typeof filters, "log">, label: string, type: "text" | "date" = "text") => (
    <Field label={label} type={type} value={filters[key]} onInput={(v) => setFilters({ ...filters, [key]: v })} />
  );
  return (
    <Screen title="Log Audit">
      <Form
        class="filters"
        label="Saring log audit"
        onSubmit={() => {
          setApplied(filters);
          loaded.reload(); // the same filters again after an error: asked again
        }}
      >
        {regency ? <Select label="Jenis log" value={filters.log} onChange={(v) => setFilters({ ...filters, log: v, action: "" })} options={LOGS} /> : null}
        {field("from", "Dari", "date")}
        {field("to", "Sampai", "date")}
        {field("actor", "Pelaku")}
        <ActionSelect value={filters.action} views={filters.log === "views"} onChange={(action) => setFilters({ ...filters, action })} />
        {field("target", "Sasaran")}
        <button type="submit">Tampilkan</button>
      </Form>
      {regency ? null : (
        <p class="hint">Hanya entri tentang unit Anda, pegawai yang kini berada di unit Anda, dan tindakan Anda sendiri yang ditampilkan.</p>
      )}
      {log === "views" ? (
        <p class="hint">Setiap tautan foto swafoto, foto pendaftaran wajah atau lampiran pengajuan yang diberikan kepada admin tercatat di sini, per pegawai.</p>
      ) : null}
      <ErrorLine message={loaded.error} />
      <MoreNotice listing={loaded.data} what="entri terbaru" rest="Persempit tanggal atau saringan lain untuk melihat sisanya." />
      <Table
        caption={`Log audit (${countOf(loaded.data)})`}
        rows={loaded.data?.items ?? []} loading={loaded.loading}
        rowKey={(e) => `${e.at}|${e.actor}|${e.action}|${e.target}`}
        columns={auditColumns}
      />
    </Screen>
  );
}

interface AdoptionDay {
  date: string;
  employees: number;
  activated: number;
  enrolled: number;
  /** Employees whose face waits for the unit admin, none approved: they cannot check in until the admin decides. */
  awaiting_approval: number;
  app: number;
  fingerprint: number;
  both: number;
  none: number;
}

interface AdoptionReport {
  units: { unor_id: string; unor_nama: string; cutover: string | null; days: AdoptionDay[] }[];
  totals: AdoptionDay[];
}

const SERIES: [keyof AdoptionDay, string, string][] = [
  ["app", "Aplikasi", "#0b5d3b"],
  ["fingerprint", "Mesin sidik jari", "#b7791f"],
  ["none", "Tidak keduanya", "#9aa5b1"],
];

/** Per day, the share of employees seen by the app, by the fingerprint machines, by neither (lines, %). */
function AdoptionChart({ days }: { days: AdoptionDay[] }) {
  const w = 640;
  const h = 220;
  const pad = 32;
  const x = (i: number): number => pad + (days.length > 1 ? (i * (w - 2 * pad)) / (days.length - 1) : (w - 2 * pad) / 2);
  const y = (share: number): number => h - pad - share * (h - 2 * pad);
  const share = (d: AdoptionDay, k: keyof AdoptionDay): number => (d.employees ? Number(d[k]) / d.employees : 0);
  const last = days[days.length - 1];
  const summary = last
    ? `${dayText(last.date)}: aplikasi ${String(last.app)}, sidik jari ${String(last.fingerprint)}, tidak keduanya ${String(last.none)} dari ${String(last.employees)} pegawai`
    : "Tidak ada data";
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${String(w)} ${String(h)}`} role="img" aria-label={`Grafik adopsi. ${summary}`}>
        {[0, 0.5, 1].map((t) => (
          <g key={t}>
            <line x1={pad} x2={w - pad} y1={y(t)} y2={y(t)} stroke="#d9e2ec" />
            <text x={4} y={y(t) + 4} font-size="11" fill="#52606d">
              {Math.round(t * 100)}%
            </text>
          </g>
        ))}
        {SERIES.map(([k, , colour]) => (
          <polyline key={k} fill="none" stroke={colour} stroke-width="2.5" points={days.map((d, i) => `${String(x(i))},${String(y(share(d, k)))}`).join(" ")} />
        ))}
      </svg>
      <figcaption>
        {SERIES.map(([k, label, colour]) => (
          <span key={k} class="legend">
            <span class="swatch" style={{ background: colour }} /> {label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** The date `n` days before today in the regency, YYYY-MM-DD. */
function daysAgo(n: number): string {
  const d = new Date(`${today()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/** A unit's employees held up by their admin alone (a face sent, none approved): the unit's queue is one click
 * away, where the admin (or BKPSDM with the admin) decides them. */
function Waiting({ unorId, count }: { unorId: string; count: number }) {
  return count ? <a href={facesQueueHref(unorId)}>{count}</a> : <>0</>;
}

export function Adoption(_: { route: Route }) {
  const { units } = useConsole();
  const [unit, setUnit] = useState("");
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const loaded = useLoad(
    (signal) =>
      checkRange(from, to).then(() => get<AdoptionReport>("/v1/admin/reports/adoption", { from, to, unor_id: unit }, signal)).catch((exc: unknown) => {
        if (exc instanceof ApiError && exc.status === 404 && exc.code === "NOT_FOUND" && !exc.details["unor_id"]) return null;
        throw exc;
      }),
    `${from}|${to}|${unit}`,
  );
  const action = useAction();
  const report = loaded.data;
  // A unit without a work zone cannot check in by the app at all: the first thing to fix in a rollout.
  const zoneCount = (unorId: string): number => units.find((x) => x.unor_id === unorId)?.zone_ids.length ?? 0;
  const rows = (report?.units ?? []).map((u) => ({ ...u, last: u.days[u.days.length - 1], zones: zoneCount(u.unor_id) }));
  return (
    <Screen title="Adopsi">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, "Semua unit")} />
        <Field label="Dari" type="date" value={from} onInput={(v) => v && setFrom(v)} />
        <Field label="Sampai" type="date" value={to} onInput={(v) => v && setTo(v)} />
        <button
          type="button"
          class="secondary"
          disabled={action.busy || !report}
          onClick={() =>
            void action.run(async () => {
              await download("/v1/admin/reports/adoption", { from, to, unor_id: unit, format: "xlsx" }, `adopsi-${from}-${to}.xlsx`);
              return null;
            })
          }
        >
          Unduh XLSX
        </button>
      </div>
      <ErrorLine message={loaded.error ?? action.error} />
      {!loaded.loading && report === null && !loaded.error ? <p role="status">Laporan adopsi belum tersedia di server ini.</p> : null}
      {report || loaded.loading ? (
        <>
          {report ? <AdoptionChart days={report.totals} /> : null}
          <Table
            caption={`Adopsi per unit pada ${dayText(to)}`}
            rows={rows}
            loading={loaded.loading}
            rowKey={(u) => u.unor_id}
            columns={[
              { label: "Unit", cell: (u) => u.unor_nama, sort: (u) => u.unor_nama },
              { label: "Zona kerja", cell: (u) => (u.zones ? u.zones : "Belum ada"), sort: (u) => u.zones },
              { label: "Pegawai", cell: (u) => u.last?.employees ?? 0, sort: (u) => u.last?.employees ?? 0 },
              { label: "Aktivasi", cell: (u) => u.last?.activated ?? 0, sort: (u) => u.last?.activated ?? 0 },
              { label: "Wajah", cell: (u) => u.last?.enrolled ?? 0, sort: (u) => u.last?.enrolled ?? 0 },
              {
                label: "Menunggu persetujuan wajah",
                cell: (u) => <Waiting unorId={u.unor_id} count={u.last?.awaiting_approval ?? 0} />,
                sort: (u) => u.last?.awaiting_approval ?? 0,
              },
              { label: "Aplikasi", cell: (u) => u.last?.app ?? 0, sort: (u) => u.last?.app ?? 0 },
              { label: "Sidik jari", cell: (u) => u.last?.fingerprint ?? 0, sort: (u) => u.last?.fingerprint ?? 0 },
              { label: "Peralihan", cell: (u) => u.cutover ?? "Belum", sort: (u) => u.cutover ?? "" },
            ]}
          />
        </>
      ) : null}
    </Screen>
  );
}
