// "Jadwal" (weekly working hours of a unit or an employee, versioned from a date on, and the regency's Ramadan
// period), an employee's shift roster, "Hari Libur", "Cuti & Izin" (leaves with cancel) and "Pengajuan"
// (employees' requests to approve or reject; a field duty's approval may add the letter's number and an area).
import { useEffect, useRef, useState } from "preact/hooks";
import { UserMessage } from "../../../shared/api";
import { dayText } from "../../../shared/months";
import { reasonName } from "../../../shared/reasons";
import { decidedText, monthCorrectionsText, requestTitle, type MonthCorrections, type RequestDecided } from "../../../shared/requests";
import { useConsole, unitOptions } from "../context";
import type { Route } from "../router";
import { call, canChange, get, mayChange, OWN_RECORD } from "../session";
import type { ScheduleVersion, Week } from "../types";
import { circleOf, type Circle } from "../area";
import { stamped, useFreshLinks } from "../links";
import { count, dateTime, daysText, decimal, localDate, rangeHolding, time, today } from "../format";
import { ActionForm, allPages, checkRange, ColumnHeads, ConfirmButton, DecisionForm, DeleteButton, deleteColumn, Done, ErrorLine, Field, Labelled, Outcome, rejudged, Screen, Select, Submit, Table, useAction, useId, useLoad, type Action, type Column, type Decision, type Loaded } from "../ui";

const DAYS: [keyof Week, string][] = [
  ["mon", "Senin"],
  ["tue", "Selasa"],
  ["wed", "Rabu"],
  ["thu", "Kamis"],
  ["fri", "Jumat"],
  ["sat", "Sabtu"],
  ["sun", "Minggu"],
];

const STANDARD: Week = {
  mon: { start: "07:30", end: "16:00" },
  tue: { start: "07:30", end: "16:00" },
  wed: { start: "07:30", end: "16:00" },
  thu: { start: "07:30", end: "16:00" },
  fri: { start: "07:30", end: "16:30" },
};

/** The first date a saved version governs (chalicelib ScheduleVersion.first_day): its `effective_from`, but never
 * a day that had already begun when it was saved (DOMAIN.md: a change at 07:15 does not re-judge 07:10), so a
 * version saved today "from today" applies from tomorrow. `created_at` has whole seconds: one millisecond before it
 * is still the day it was saved on, unless it was saved at midnight exactly, which leaves that day untouched. */
export function firstDay(v: Pick<ScheduleVersion, "effective_from" | "created_at">): string {
  const at = Date.parse(v.created_at);
  if (Number.isNaN(at)) return v.effective_from;
  const untouched = nextDay(localDate(new Date(at - 1).toISOString()));
  return untouched > v.effective_from ? untouched : v.effective_from;
}

/** What saving a version entered from `from` says, its dates as people read them: the `first` day it governs
 * (`firstDay`), and why when that is not the day entered. */
export function weekSavedText(first: string, from: string): string {
  const saved = `Jadwal tersimpan, berlaku mulai ${dayText(first)}`;
  return first === from ? `${saved}.` : `${saved}: tanggal ${dayText(from)} sudah berjalan dan tetap memakai jadwal sebelumnya.`;
}

/** A version's "Berlaku mulai" cell: its first day (`firstDay`), with the day entered when that had already
 * begun: "8 Desember 2026 (diisi 7 Desember 2026)". */
export function startText(v: Pick<ScheduleVersion, "effective_from" | "created_at">): string {
  const first = firstDay(v);
  return first === v.effective_from ? dayText(first) : `${dayText(first)} (diisi ${dayText(v.effective_from)})`;
}

/** Working hours per weekday (an unticked day is a day off), saved with PUT `path` (whose answer lists the
 * owner's versions); "Berlaku mulai" starts at tomorrow, the first day a version saved now can govern. */
export function WeekForm({ path, initial, onSaved }: { path: string; initial?: Week; onSaved?: () => void }) {
  const [from, setFrom] = useState(() => nextDay(today()));
  const [week, setWeek] = useState<Week>(initial ?? STANDARD);
  const action = useAction();
  function set(day: keyof Week, hours: { start: string; end: string } | null): void {
    const next = { ...week };
    if (hours) next[day] = hours;
    else delete next[day];
    setWeek(next);
  }
  return (
    <ActionForm
      label="Jadwal kerja"
      action={action}
      submit={async () => {
        const saved = await call<{ versions: ScheduleVersion[] }>("PUT", path, { effective_from: from, days: week });
        const newest = saved.versions.reduce<ScheduleVersion | undefined>((a, v) => (a && a.created_at >= v.created_at ? a : v), undefined);
        return weekSavedText(newest ? firstDay(newest) : from, from);
      }}
      then={onSaved}
    >
      <Field label="Berlaku mulai" type="date" value={from} onInput={setFrom} required />
      <p class="hint">Jadwal baru berlaku paling cepat besok: hari yang sedang berjalan tetap dinilai dengan jadwal sebelumnya.</p>
      <table class="week">
        <caption>Jam kerja per hari</caption>
        <ColumnHeads labels={["Hari", "Masuk", "Pulang"]} />
        <tbody>
          {DAYS.map(([day, name]) => {
            const hours = week[day];
            return (
              <tr key={day}>
                <th scope="row">
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={!!hours}
                      onChange={(e) => set(day, e.currentTarget.checked ? { start: "07:30", end: "16:00" } : null)}
                    />{" "}
                    {name}
                  </label>
                </th>
                <td>
                  {hours ? (
                    <input type="time" aria-label={`Masuk ${name}`} value={hours.start} onInput={(e) => set(day, { ...hours, start: e.currentTarget.value })} />
                  ) : (
                    "Libur"
                  )}
                </td>
                <td>
                  {hours ? <input type="time" aria-label={`Pulang ${name}`} value={hours.end} onInput={(e) => set(day, { ...hours, end: e.currentTarget.value })} /> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Outcome action={action} />
      <Submit action={action}>Simpan Jadwal</Submit>
    </ActionForm>
  );
}

/** The most dates one roster request may carry (the API's `MAX_ROSTER_DAYS`). */
const MAX_ROSTER_DAYS = 62;

interface RosterDay {
  key: number;
  date: string;
  start: string;
  end: string;
  off: boolean;
}

/** The day after a YYYY-MM-DD date ("" stays ""). */
function nextDay(date: string): string {
  const at = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(at) ? "" : new Date(at + 86_400_000).toISOString().slice(0, 10);
}

let rosterSeq = 0;

function rosterDay(date: string, start = "07:30", end = "16:00"): RosterDay {
  return { key: ++rosterSeq, date, start, end, off: false };
}

interface ShiftRoster {
  nip: string;
  from_date: string;
  to_date: string;
  shifts: Record<string, { start: string; end: string } | null>;
}

/** One saved roster date: its hours, or null for a day off. */
interface SavedShift {
  date: string;
  hours: { start: string; end: string } | null;
}

/** An employee's saved roster dates around today (GET `path`: 30 days either side) and, for an admin who may
 * change it, a "Hapus" on each date and the form that adds or overwrites dates; the table reloads after each. */
export function EmployeeShifts({ path, editable }: { path: string; editable: boolean }) {
  const loaded = useLoad((signal) => get<ShiftRoster>(path, {}, signal), path);
  const action = useAction();
  const roster = loaded.data;
  const rows: SavedShift[] = Object.entries(roster?.shifts ?? {}).map(([date, hours]) => ({ date, hours }));
  const columns: Column<SavedShift>[] = [
    { label: "Tanggal", cell: (r) => dayText(r.date), sort: (r) => r.date },
    { label: "Masuk", cell: (r) => r.hours?.start ?? "Libur" },
    { label: "Pulang", cell: (r) => r.hours?.end ?? "Libur" },
  ];
  // A date entered by mistake is removed: it follows the usual schedule again (Ramadan hours and holidays too).
  if (editable)
    columns.push(
      deleteColumn<SavedShift>({
        label: "Hapus",
        question: (r) => `Hapus sif ${dayText(r.date)}? Tanggal itu kembali mengikuti jadwal biasa.`,
        path: (r) => `${path}/${r.date}`,
        done: "Sif dihapus: tanggal itu mengikuti jadwal biasa.",
        action,
        onDone: loaded.reload,
      }),
    );
  return (
    <>
      <ErrorLine message={loaded.error} />
      <Table
        caption={roster ? `Sif tersimpan ${daysText(roster.from_date, roster.to_date)}` : "Sif tersimpan"}
        rows={rows}
        rowKey={(r) => r.date}
        loading={loaded.loading}
        columns={columns}
        empty="Tidak ada sif tersimpan pada rentang ini: jadwal biasa berlaku."
      />
      <Outcome action={action} />
      {editable ? <ShiftForm path={path} onSaved={loaded.reload} /> : null}
    </>
  );
}

/** An employee's shift roster: per date the hours (possibly crossing midnight) or "Libur", sent with PUT `path`
 * (`{"shifts": {date: {start, end} | null}}`, 1 to 62 dates). */
function ShiftForm({ path, onSaved }: { path: string; onSaved: () => void }) {
  const [days, setDays] = useState<RosterDay[]>(() => [rosterDay(today())]);
  const action = useAction();
  function change(key: number, patch: Partial<RosterDay>): void {
    setDays((all) => all.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  }
  function add(): void {
    const last = days[days.length - 1];
    setDays([...days, last ? rosterDay(nextDay(last.date), last.start, last.end) : rosterDay(today())]);
  }
  return (
    <ActionForm
      label="Jadwal sif"
      action={action}
      submit={async () => {
        const shifts: Record<string, { start: string; end: string } | null> = {};
        for (const d of days) {
          if (d.date in shifts) throw new UserMessage(`Tanggal ${dayText(d.date)} tercantum lebih dari sekali.`);
          shifts[d.date] = d.off ? null : { start: d.start, end: d.end };
        }
        const saved = await call<{ nip: string; days: number; recapped: string[] }>("PUT", path, { shifts });
        onSaved();
        const dates = Object.keys(shifts).sort();
        const span = daysText(dates[0] ?? "", dates[dates.length - 1] ?? "");
        return `Jadwal sif tersimpan: ${count(saved.days)} hari (${span}).${rejudged(saved)}`;
      }}
    >
      {days.map((d, i) => (
        <RosterRow
          key={d.key}
          day={d}
          position={i + 1}
          onChange={(patch) => change(d.key, patch)}
          {...(days.length > 1 ? { onRemove: () => setDays((all) => all.filter((x) => x.key !== d.key)) } : {})}
        />
      ))}
      <div class="buttons">
        <button type="button" class="secondary" disabled={days.length >= MAX_ROSTER_DAYS} onClick={add}>
          Tambah Hari
        </button>
      </div>
      <Outcome action={action} />
      <Submit action={action}>Simpan Jadwal Sif</Submit>
    </ActionForm>
  );
}

/** One date of a roster: the date, then "Masuk"/"Pulang" or "Libur", and "Hapus" (not on the only row). */
function RosterRow(p: { day: RosterDay; position: number; onChange: (patch: Partial<RosterDay>) => void; onRemove?: () => void }) {
  const { day } = p;
  const id = useId("roster");
  // Its inputs and "Hapus" are named after the date as people read it ("Masuk 3 Desember 2026").
  const named = day.date ? dayText(day.date) : `hari ke-${String(p.position)}`;
  return (
    <div class="filters roster-day" role="group" aria-label={`Hari ke-${String(p.position)}`}>
      <Labelled id={`${id}-date`} label="Tanggal">
        <input id={`${id}-date`} type="date" required aria-label={`Tanggal hari ke-${String(p.position)}`} value={day.date} onInput={(e) => p.onChange({ date: e.currentTarget.value })} />
      </Labelled>
      {day.off ? null : (
        <>
          <Labelled id={`${id}-start`} label="Masuk">
            <input id={`${id}-start`} type="time" required aria-label={`Masuk ${named}`} value={day.start} onInput={(e) => p.onChange({ start: e.currentTarget.value })} />
          </Labelled>
          <Labelled id={`${id}-end`} label="Pulang">
            <input id={`${id}-end`} type="time" required aria-label={`Pulang ${named}`} value={day.end} onInput={(e) => p.onChange({ end: e.currentTarget.value })} />
          </Labelled>
        </>
      )}
      <div class="field">
        <label class="check">
          <input type="checkbox" aria-label={`Libur ${named}`} checked={day.off} onChange={(e) => p.onChange({ off: e.currentTarget.checked })} /> Libur
        </label>
      </div>
      {p.onRemove ? (
        <div class="field">
          <button type="button" class="secondary" aria-label={`Hapus ${named}`} onClick={p.onRemove}>
            Hapus
          </button>
        </div>
      ) : null}
    </div>
  );
}

function describe(week: Week): string {
  return DAYS.filter(([d]) => week[d]).map(([d, name]) => `${name} ${week[d]?.start ?? ""}–${week[d]?.end ?? ""}`).join(", ") || "Libur";
}

/** The schedule versions of a unit or an employee (GET `path`) and, for an admin who may change them, the form
 * of a new version starting from the latest one's hours once they are read (wrapped in a panel titled
 * `formTitle` when given); after a save the table is read again and the form keeps what was entered. */
export function ScheduleVersions(p: { path: string; caption: string; empty: string; editable: boolean; formTitle?: string }) {
  const loaded = useLoad((signal) => get<{ versions: ScheduleVersion[] }>(p.path, {}, signal), p.path);
  const versions = loaded.data?.versions ?? [];
  const latest = versions[versions.length - 1];
  const form = (
    <WeekForm key={p.path} path={p.path} {...(latest ? { initial: latest.days } : {})} onSaved={loaded.reload} />
  );
  return (
    <>
      <ErrorLine message={loaded.error} />
      <Table
        caption={p.caption}
        rows={versions}
        rowKey={(v) => `${v.effective_from}|${v.created_at}`}
        loading={loaded.loading}
        columns={[
          {
            label: "Berlaku mulai",
            cell: startText,
            sort: (v) => firstDay(v),
          },
          { label: "Jam kerja", cell: (v) => describe(v.days) },
          { label: "Diubah oleh", cell: (v) => v.created_by },
        ]}
        empty={p.empty}
      />
      {!p.editable || loaded.data === null ? null : p.formTitle ? (
        <section class="panel">
          <h2>{p.formTitle}</h2>
          {form}
        </section>
      ) : (
        form
      )}
    </>
  );
}

export function Schedules(_: { route: Route }) {
  const { units, session } = useConsole();
  const [unit, setUnit] = useState(units[0]?.unor_id ?? "");
  return (
    <Screen title="Jadwal">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, null)} />
      </div>
      {unit ? (
        <ScheduleVersions
          key={unit}
          path={`/v1/admin/units/${encodeURIComponent(unit)}/schedule`}
          caption="Versi jadwal unit"
          empty="Belum ada jadwal khusus: jadwal bawaan kabupaten berlaku."
          editable={canChange(session)}
          formTitle="Ubah jadwal unit"
        />
      ) : null}
      {session.role === "super_admin" ? <RamadanForm /> : null}
    </Screen>
  );
}

interface Ramadan {
  year: number;
  start_date: string;
  end_date: string;
}

interface StoredRamadan {
  year: number;
  start_date: string | null;
  end_date: string | null;
  /** Every period starting in the year, by date: two in a year like 2030 (January and December). */
  periods?: { start_date: string; end_date: string }[];
}

/** What is stored for the chosen year, in words: its period, or both of a year that holds two Ramadans. */
export function storedRamadanText(stored: StoredRamadan): string {
  const periods = stored.periods ?? (stored.start_date && stored.end_date ? [{ start_date: stored.start_date, end_date: stored.end_date }] : []);
  if (periods.length === 0) return `Belum ada periode Ramadan untuk tahun ${String(stored.year)}.`;
  return `Tersimpan untuk ${String(stored.year)}: ${periods.map((p) => daysText(p.start_date, p.end_date)).join(" dan ")}.`;
}

/** The period stored for `year` (GET /v1/admin/ramadan/{year}; null dates while none is set); null while the
 * typed year is unfinished. */
function useStoredRamadan(year: string) {
  return useLoad((signal) => (/^\d{4}$/.test(year) ? get<StoredRamadan>(`/v1/admin/ramadan/${year}`, {}, signal) : Promise.resolve(null)), year);
}

/** The regency's Ramadan period of a year (super admin): shows what is stored for the chosen year, sets (or
 * replaces) it with PUT /v1/admin/ramadan/{year}, and removes a period saved by mistake beside the year's own
 * (DELETE /v1/admin/ramadan/{year}/{start_date}). */
function RamadanForm() {
  const [year, setYear] = useState(today().slice(0, 4));
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const action = useAction();
  const stored = useStoredRamadan(year);
  const storedText = stored.loading || !stored.data ? "" : storedRamadanText(stored.data);
  return (
    <ActionForm
      class="panel"
      label="Periode Ramadan"
      action={action}
      submit={async () => {
        const saved = await call<Ramadan>("PUT", `/v1/admin/ramadan/${encodeURIComponent(year.trim())}`, { start_date: start, end_date: end });
        stored.reload();
        return `Periode Ramadan ${String(saved.year)} tersimpan: ${daysText(saved.start_date, saved.end_date)}.${rejudged(saved)}`;
      }}
    >
      <h2>Periode Ramadan</h2>
      <p class="hint">
        Selama periode ini, jam kerja setiap hari kerja dipersingkat ke dalam jam kerja Ramadan kabupaten (bawaan: Senin–Kamis, Sabtu dan Minggu 08.00–15.00,
        Jumat 08.00–15.30), baik yang berasal dari jadwal unit maupun jadwal khusus pegawai: masuk tidak lebih awal dan pulang tidak lebih lambat dari
        jam Ramadan, tidak pernah diperpanjang. Contoh: Senin–Jumat 07.00–14.00 menjadi 08.00–14.00; sekolah Senin–Sabtu 07.00–13.00 menjadi
        08.00–13.00, Sabtu juga (Minggu pula bagi unit yang bekerja hari Minggu). Tidak ada hari kerja yang ditambah atau dihapus: hari libur tetap libur, jam yang melewati tengah malam atau di luar jam
        Ramadan tetap, jadwal yang mulai sesudah pertengahan jam Ramadan (sekolah siang 12.30–17.30, sif 14.00–21.00) tetap pada jamnya, dan jadwal sif
        per tanggal tidak berubah.
      </p>
      <p class="hint">
        Tanggal mulai harus pada tahun yang dipilih; tanggal selesai paling lambat 31 hari setelah tanggal mulai. Menyimpan lagi untuk tahun yang sama
        mengganti periode tahun itu yang kurang dari 320 hari darinya; periode yang tersimpan tercatat di Log Audit. Tahun dengan dua Ramadan (2030:
        mulai Januari dan mulai Desember) menyimpan keduanya: simpan periode Januari dan periode Desember masing-masing untuk tahun itu. Periode yang
        tersimpan karena salah ketik dihapus dengan tombol Hapus periode di bawah ini.
      </p>
      <ErrorLine message={stored.error} />
      {storedText ? <p class="hint">{storedText}</p> : null}
      {(stored.data?.periods ?? []).map((p) => (
        <DeleteButton
          key={p.start_date}
          label="Hapus periode"
          question={`Hapus periode Ramadan ${daysText(p.start_date, p.end_date)}? Rekap hari-harinya dihitung ulang.`}
          path={`/v1/admin/ramadan/${String(stored.data?.year ?? "")}/${p.start_date}`}
          done="Periode Ramadan dihapus."
          action={action}
          onDone={stored.reload}
        />
      ))}
      <div class="filters">
        <Field label="Tahun" type="number" inputMode="numeric" value={year} onInput={setYear} required />
        <Field
          label="Mulai"
          type="date"
          value={start}
          onInput={(v) => {
            setStart(v);
            if (/^\d{4}-/.test(v)) setYear(v.slice(0, 4));
          }}
          required
        />
        <Field label="Selesai" type="date" value={end} onInput={setEnd} required />
      </div>
      <Outcome action={action} />
      <Submit action={action}>Simpan Periode Ramadan</Submit>
    </ActionForm>
  );
}

/** The API's holiday kinds (every one makes the day LIBUR), as the console names them. */
const HOLIDAY_KIND_OPTIONS: [string, string][] = [
  ["national", "Libur nasional"],
  ["cuti_bersama", "Cuti bersama"],
  ["local", "Libur daerah"],
];

const HOLIDAY_KINDS: Record<string, string> = Object.fromEntries(HOLIDAY_KIND_OPTIONS);

interface Holiday {
  date: string;
  name: string;
  kind: string;
}

export function Holidays(_: { route: Route }) {
  const { session } = useConsole();
  const [year, setYear] = useState(today().slice(0, 4));
  const loaded = useLoad((signal) => allPages<Holiday>("/v1/admin/holidays", { year }, signal), year);
  const [date, setDate] = useState("");
  const [name, setName] = useState("");
  const [kind, setKind] = useState("national");
  const action = useAction();
  const superAdmin = session.role === "super_admin";
  const columns: Column<Holiday>[] = [
    { label: "Tanggal", cell: (h) => dayText(h.date), sort: (h) => h.date },
    { label: "Nama", cell: (h) => h.name, sort: (h) => h.name },
    { label: "Jenis", cell: (h) => HOLIDAY_KINDS[h.kind] ?? h.kind },
  ];
  if (superAdmin)
    columns.push(
      deleteColumn<Holiday>({
        label: "Hapus",
        // the date too: two days of one cuti bersama share a name, and so would their buttons
        question: (h) => `Hapus ${h.name} ${dayText(h.date)}?`,
        path: (h) => `/v1/admin/holidays/${h.date}`,
        done: "Hari libur dihapus.",
        action,
        onDone: loaded.reload,
      }),
    );
  return (
    <Screen title="Hari Libur">
      <div class="filters">
        <Field label="Tahun" type="number" value={year} onInput={(v) => /^\d{4}$/.test(v) && setYear(v)} />
      </div>
      <ErrorLine message={loaded.error} />
      <Table caption={`Hari libur ${year}`} rows={loaded.data ?? []} loading={loaded.loading} columns={columns} rowKey={(h) => h.date} />
      {superAdmin ? (
        <ActionForm
          class="panel"
          label="Tambah hari libur"
          action={action}
          submit={async () => {
            const saved = await call<Holiday>("PUT", `/v1/admin/holidays/${date}`, { name: name.trim(), kind });
            return `Hari libur tersimpan: ${dayText(saved.date)} ${saved.name} (${HOLIDAY_KINDS[saved.kind] ?? saved.kind}).${rejudged(saved)}`;
          }}
          then={loaded.reload}
        >
          <h2>Tambah hari libur</h2>
          <Field label="Tanggal libur" type="date" value={date} onInput={setDate} required />
          <Field label="Nama hari libur" value={name} onInput={setName} required maxLength={120} />
          <Select label="Jenis libur" value={kind} onChange={setKind} options={HOLIDAY_KIND_OPTIONS} />
          <Submit action={action}>Simpan Hari Libur</Submit>
        </ActionForm>
      ) : null}
      <Outcome action={action} />
    </Screen>
  );
}

interface Leave {
  leave_id: string;
  nip: string;
  nama?: string;
  type: string;
  start_date: string;
  end_date: string;
  reason?: string | null;
}

const LEAVE_TYPES: [string, string][] = [
  ["CUTI", "Cuti"],
  ["IZIN", "Izin"],
  ["SAKIT", "Sakit"],
];

const LEAVE_NAMES: Record<string, string> = Object.fromEntries(LEAVE_TYPES);

/** A leave as its cancellation (its question, its button's name) names it, its days as the row shows them: "sakit
 * Dewi Lestari 3 Desember 2026 – 4 Desember 2026". */
export function leaveName(l: Pick<Leave, "nip" | "nama" | "type" | "start_date" | "end_date">): string {
  return `${(LEAVE_NAMES[l.type] ?? l.type).toLowerCase()} ${l.nama ?? l.nip} ${daysText(l.start_date, l.end_date)}`;
}

function monthStart(): string {
  return `${today().slice(0, 7)}-01`;
}

export function Leaves(_: { route: Route }) {
  const { units, session } = useConsole();
  const [unit, setUnit] = useState(units[0]?.unor_id ?? "");
  const [from, setFrom] = useState(monthStart());
  const [to, setTo] = useState(today());
  const loaded = useLoad(
    (signal) => checkRange(from, to).then(() => allPages<Leave>("/v1/admin/leaves", { unor_id: unit, from, to }, signal)),
    `${unit}|${from}|${to}`,
  );
  const [form, setForm] = useState({ nip: "", type: "CUTI", start_date: today(), end_date: today(), reason: "" });
  const action = useAction();
  const columns: Column<Leave>[] = [
    { label: "Pegawai", cell: (l) => l.nama ?? l.nip, sort: (l) => l.nama ?? l.nip },
    { label: "Jenis", cell: (l) => LEAVE_NAMES[l.type] ?? l.type, sort: (l) => l.type },
    { label: "Mulai", cell: (l) => dayText(l.start_date), sort: (l) => l.start_date },
    { label: "Selesai", cell: (l) => dayText(l.end_date), sort: (l) => l.end_date },
    { label: "Alasan", cell: (l) => l.reason ?? "–" },
  ];
  if (canChange(session))
    columns.push(
      deleteColumn<Leave>({
        label: "Batalkan",
        question: (l) => `Batalkan ${leaveName(l)}?`,
        path: (l) => `/v1/admin/leaves/${encodeURIComponent(l.leave_id)}`,
        done: "Cuti/izin dibatalkan.",
        action,
        onDone: loaded.reload,
      }),
    );
  return (
    <Screen title="Cuti & Izin">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, null)} />
        <Field label="Dari" type="date" value={from} onInput={setFrom} />
        <Field label="Sampai" type="date" value={to} onInput={setTo} />
      </div>
      <ErrorLine message={loaded.error} />
      <Table caption="Cuti dan izin" rows={loaded.data ?? []} loading={loaded.loading} columns={columns} rowKey={(l) => l.leave_id} />
      {canChange(session) ? (
        <ActionForm
          class="panel"
          label="Catat cuti atau izin"
          action={action}
          submit={async () => {
            const body: Record<string, string> = { nip: form.nip.trim(), type: form.type, start_date: form.start_date, end_date: form.end_date };
            if (form.reason.trim()) body["reason"] = form.reason.trim();
            const said = "Cuti/izin tercatat." + rejudged(await call<unknown>("POST", "/v1/admin/leaves", body));
            const [shownFrom, shownTo] = rangeHolding([from, to], [form.start_date, form.end_date]);
            setFrom(shownFrom);
            setTo(shownTo);
            return said;
          }}
          then={loaded.reload}
        >
          <h2>Catat cuti atau izin</h2>
          <Field label="NIP pegawai" value={form.nip} onInput={(v) => setForm({ ...form, nip: v })} inputMode="numeric" maxLength={18} required />
          <Select label="Jenis" value={form.type} onChange={(v) => setForm({ ...form, type: v })} options={LEAVE_TYPES} />
          <Field label="Tanggal mulai" type="date" value={form.start_date} onInput={(v) => setForm({ ...form, start_date: v })} required />
          <Field label="Tanggal selesai" type="date" value={form.end_date} onInput={(v) => setForm({ ...form, end_date: v })} required />
          <Field label="Alasan" value={form.reason} onInput={(v) => setForm({ ...form, reason: v })} maxLength={500} />
          <Submit action={action}>Simpan Cuti/Izin</Submit>
        </ActionForm>
      ) : null}
      <Outcome action={action} />
    </Screen>
  );
}

interface EmployeeRequest extends RequestDecided {
  request_id: string;
  nip: string;
  nama?: string;
  unor_id?: string;
  type: string;
  start_date: string;
  end_date: string;
  reason?: string | null;
  status: string;
  created_at?: string;
  attachment_url?: string | null;
  note?: string | null;
  time?: string | null;
  event_type?: string | null;
  month_corrections?: MonthCorrections;
  /** A pending KOREKSI: the check of its kind already recorded that day, which the correction would stand beside. */
  recorded_time?: string | null;
  /** A pending KOREKSI: the checks of its kind that day that do not count, which the correction would put back. */
  set_aside?: SetAside[];
  /** The employee is deactivated in SIMPEG: since when (null: not recorded), and whether the server still approves
   * this request (its days before the deactivation: a leaver's last days). */
  employee_inactive?: EmployeeInactive | null;
  result_id?: string | null;
}

interface EmployeeInactive {
  deactivated_on: string | null;
  approvable: boolean;
}

/** What the deciding admin reads beside a request of an employee SIMPEG deactivated, and why Setujui is disabled
 * when the server would refuse it (403 ACCOUNT_INACTIVE): "Pegawai nonaktif sejak 10 Maret 2026. Pengajuan untuk
 * hari sejak itu hanya dapat ditolak." A leaver's last days are still approved: the first sentence alone. */
export function inactiveText(r: Pick<EmployeeRequest, "employee_inactive">): { text: string; refused: string | null } | null {
  const inactive = r.employee_inactive;
  if (!inactive) return null;
  const refused = !approvalRefused(r) ? null : inactive.deactivated_on ? "Pengajuan untuk hari sejak itu hanya dapat ditolak." : "Pengajuannya hanya dapat ditolak.";
  return { text: `${inactiveSince(inactive)}.${refused ? ` ${refused}` : ""}`, refused };
}

/** Whether the server refuses approving `r` (403 ACCOUNT_INACTIVE): its employee's deactivation reaches a day of
 * it, by the server's own rule (`employee_inactive.approvable`, `directory.judges`). The one verdict of Setujui on
 * a pending request and of Selesaikan Persetujuan on an approval that stopped half way (its finishing is an
 * approval sent again, refused alike). */
function approvalRefused(r: Pick<EmployeeRequest, "employee_inactive">): boolean {
  return r.employee_inactive ? !r.employee_inactive.approvable : false;
}

/** "Pegawai nonaktif sejak 10 Maret 2026", or "Pegawai nonaktif menurut SIMPEG" without a recorded day. */
function inactiveSince(inactive: EmployeeInactive): string {
  return `Pegawai nonaktif ${inactive.deactivated_on ? `sejak ${dayText(inactive.deactivated_on)}` : "menurut SIMPEG"}`;
}

/** What the deciding admin reads beside a correction whose day has its check already (the day keeps the earliest
 * arrival and the latest departure): "Hari itu sudah tercatat absen masuk pukul 09.10." */
export function recordedText(r: Pick<EmployeeRequest, "event_type" | "recorded_time">): string | null {
  if (!r.recorded_time) return null;
  return `Hari itu sudah tercatat absen ${r.event_type === "out" ? "pulang" : "masuk"} pukul ${time(r.recorded_time)}.`;
}

interface SetAside {
  time: string;
  how: "refused" | "rejected" | "revoked";
  code: string | null;
  by: string | null;
  note: string | null;
}

/** What the deciding admin reads beside a correction whose day holds checks of its kind that do not count: a
 * stand-in's check-in rejected, a correction approved then taken back, a check-in SMART refused. A correction of
 * the same minute would put it back ("Absen masuk pukul 07.20 hari itu ditolak admin sari: “bukan wajah
 * pegawai”."). */
export function setAsideText(r: Pick<EmployeeRequest, "event_type" | "set_aside">): string[] {
  const kind = r.event_type === "out" ? "pulang" : "masuk";
  return (r.set_aside ?? []).map((a) => {
    const said = a.note ? `: “${a.note}”` : "";
    const what =
      a.how === "refused"
        ? `ditolak SMART (${reasonName(a.code ?? "")})`
        : `${a.how === "revoked" ? "disetujui lalu dibatalkan" : "ditolak"} admin ${a.by ?? ""}${said}`;
    return `Absen ${kind} pukul ${time(a.time)} hari itu ${what}.`;
  });
}

const REQUEST_STATUSES: [string, string][] = [
  ["pending", "Menunggu"],
  ["approved", "Disetujui"],
  ["rejected", "Ditolak"],
  ["cancelled", "Dibatalkan"],
  ["revoked", "Persetujuan dibatalkan"],
];

/** Take back an approved request: a reason is required (the employee reads it), then its leave or field duty is
 * cancelled, or its corrected event no longer counts, and the recapped days are judged again. The outcome
 * stays shown above the list. */
function RevokeForm(p: { request: EmployeeRequest; action: Action; onDone: () => void }) {
  const [note, setNote] = useState("");
  const who = p.request.nama ?? p.request.nip;
  const revoke = (): void =>
    void p.action
      .run(async () => {
        if (!note.trim()) throw new UserMessage("Tulis alasan pembatalan: pegawai akan membacanya.");
        const path = `/v1/admin/requests/${encodeURIComponent(p.request.request_id)}/revoke`;
        const answer = await call<unknown>("POST", path, { note: note.trim() });
        return `Persetujuan pengajuan ${who} dibatalkan.${rejudged(answer)}`;
      })
      .then((ok) => ok && p.onDone());
  return (
    <div class="decide inline">
      <Field label={`Alasan pembatalan untuk ${who}`} value={note} onInput={setNote} maxLength={500} />
      <ConfirmButton
        label="Batalkan Persetujuan"
        question={`Pengajuan ${requestName(p.request)} tidak berlaku lagi?`}
        onConfirm={revoke}
        disabled={p.action.busy}
      />
    </div>
  );
}

/** What an approval that stopped half way says beside "Selesaikan Persetujuan": `hint`, and `refused`, why the
 * server would refuse finishing it (`approvalRefused`, as Setujui: the button then disabled, the reason in the
 * hint and its tooltip); what is left is Batalkan Persetujuan. */
export function finishText(r: Pick<EmployeeRequest, "employee_inactive">): { hint: string; refused: string | null } {
  const hint = "Persetujuan ini belum selesai tercatat (gangguan penyimpanan).";
  if (!r.employee_inactive || !approvalRefused(r)) return { hint, refused: null };
  const refused = `${inactiveSince(r.employee_inactive)}: persetujuan ini tidak dapat diselesaikan, hanya dibatalkan.`;
  return { hint: `${hint} ${refused}`, refused };
}

/** An approval that stopped half way (approved, but what it creates is not named: storage failed) is finished by
 * approving it again: the server makes its leave, letter or correction once, never twice. */
function FinishApproval(p: { request: EmployeeRequest; action: Action; onDone: () => void }) {
  const who = p.request.nama ?? p.request.nip;
  const words = finishText(p.request);
  const finish = (): void =>
    void p.action
      .run(async () => {
        const path = `/v1/admin/requests/${encodeURIComponent(p.request.request_id)}`;
        const answer = await call<unknown>("POST", path, { decision: "approve" });
        return `Persetujuan pengajuan ${who} diselesaikan.${rejudged(answer)}`;
      })
      .then((ok) => ok && p.onDone());
  return (
    <div class="decide inline">
      <p class="hint">{words.hint}</p>
      <button type="button" onClick={finish} disabled={p.action.busy || !!words.refused} title={words.refused ?? undefined}>
        Selesaikan Persetujuan
      </button>
    </div>
  );
}

/** A request as its outcome and its row's buttons name it, its days as the row shows them: "Dewi Lestari (Dinas
 * luar, 3 Desember 2026 – 4 Desember 2026)". The buttons' names ("Setujui pengajuan Dewi Lestari (Izin, 3 Desember
 * 2026)") so hold the words the row shows (WCAG 2.5.3): a screen reader or voice control meets the date seen. */
export function requestName(r: Pick<EmployeeRequest, "nip" | "nama" | "type" | "start_date" | "end_date" | "time" | "event_type">): string {
  return `${r.nama ?? r.nip} (${requestTitle(r)}, ${daysText(r.start_date, r.end_date)})`;
}

/** The decision of a pending request. A field duty (DL) may be approved with the number of its letter of
 * assignment and an area of duty, a circle (API.md: `letter_no`, `circle`), both optional: without a number the
 * letter is named after the request, without an area the days count as field duty and no place is added where
 * the employee may check in. `onDone` gets the outcome's words (with the recapped dates). */
function RequestDecision(p: { request: EmployeeRequest; onDone: (message: string) => void }) {
  const r = p.request;
  const [letter, setLetter] = useState("");
  const [centre, setCentre] = useState("");
  const [radius, setRadius] = useState("");
  const duty = r.type === "DL";
  const who = r.nama ?? r.nip;
  const inactive = inactiveText(r);
  const sent = useRef<{ letter_no?: string; circle?: Circle }>({});
  const approval = (): Record<string, unknown> => {
    const circle = circleOf(centre, radius);
    sent.current = { ...(letter.trim() ? { letter_no: letter.trim() } : {}), ...(circle ? { circle } : {}) };
    return { ...sent.current };
  };
  const done = (decision: Decision, answer: unknown): void => {
    const { letter_no: number, circle } = decision === "approve" ? sent.current : {};
    const extra = [
      number ? ` Nomor surat tugas: ${number}.` : "",
      // The centre as a map app takes it (decimal points); the radius the Indonesian way.
      circle ? ` Area dinas luar: jari-jari ${decimal(circle.radius_m, 1)} m dari titik ${String(circle.lat)}, ${String(circle.lon)}.` : "",
    ];
    p.onDone(`Pengajuan ${requestName(r)} ${decision === "approve" ? "disetujui" : "ditolak"}.${extra.join("")}${rejudged(answer)}`);
  };
  return (
    <>
      {r.month_corrections ? <p class="hint">{monthCorrectionsText(r.month_corrections)}</p> : null}
      {recordedText(r) ? <p class="hint">{recordedText(r)}</p> : null}
      {setAsideText(r).map((line) => (
        <p key={line} class="error" role="note">
          {line}
        </p>
      ))}
      {inactive ? <p class="hint">{inactive.text}</p> : null}
      <DecisionForm
        path={`/v1/admin/requests/${encodeURIComponent(r.request_id)}`}
        subject={`pengajuan ${requestName(r)}`}
        noteLabel={`Catatan untuk ${who}`}
        onDone={done}
        inline
        approvalRefused={inactive?.refused ?? null}
        {...(duty ? { approval } : {})}
      >
        {duty ? (
          <details class="duty">
            <summary>Surat tugas dan area (opsional)</summary>
            <Field label="Nomor surat tugas" value={letter} onInput={setLetter} maxLength={100} />
            <Field label="Pusat area (lintang, bujur)" value={centre} onInput={setCentre} maxLength={60} />
            <Field label="Jari-jari area (meter)" value={radius} onInput={setRadius} maxLength={12} />
            <p class="hint">Tanpa area, pegawai tetap absen di zona unitnya; hari-hari itu tercatat dinas luar.</p>
          </details>
        ) : null}
      </DecisionForm>
    </>
  );
}

/** Requests as read, and when (this computer's clock): their letters' links live a few minutes (decision 177). */
interface RequestsRead {
  items: EmployeeRequest[];
  readAt: number;
}

/** "Buka" of a letter whose link has expired since the list was read (the admin was away): the list is read again
 * and the tab, opened at the click (a pop-up blocker lets only that through), goes to the fresh link, instead of S3's
 * English "Request has expired" page. A link still good opens as it is. */
function useFreshLetter(loaded: Loaded<RequestsRead>) {
  const links = useFreshLinks(loaded);
  const waiting = useRef<{ requestId: string; tab: Window | null } | null>(null);
  useEffect(() => {
    const w = waiting.current;
    if (!w || loaded.loading) return;
    waiting.current = null;
    const url = loaded.data?.items.find((r) => r.request_id === w.requestId)?.attachment_url;
    // Gone (decided meanwhile) or not read again (the list's error says why): nothing to open.
    if (url && !links.renewing && w.tab) w.tab.location.href = url;
    else w.tab?.close();
  }, [loaded.data, loaded.loading]);
  return (e: MouseEvent, r: EmployeeRequest): void => {
    if (links.fresh([r.attachment_url])) return;
    e.preventDefault();
    const tab = window.open("", "_blank");
    if (tab) tab.opener = null;
    waiting.current = { requestId: r.request_id, tab };
  };
}

export function Requests(_: { route: Route }) {
  const { units, session } = useConsole();
  const [unit, setUnit] = useState("");
  const [status, setStatus] = useState("pending");
  const loaded = useLoad((signal) => stamped(allPages<EmployeeRequest>("/v1/admin/requests", { status, unor_id: unit }, signal)), `${unit}|${status}`);
  const openLetter = useFreshLetter(loaded);
  const revoking = useAction();
  // A decided request leaves the list: its outcome shows above it and takes the focus (a new one each time).
  const [decided, setDecided] = useState<{ text: string; seq: number } | null>(null);
  const columns: Column<EmployeeRequest>[] = [
    { label: "Pegawai", cell: (r) => r.nama ?? r.nip, sort: (r) => r.nama ?? r.nip },
    { label: "Jenis", cell: (r) => requestTitle(r), sort: (r) => r.type },
    { label: "Tanggal", cell: (r) => daysText(r.start_date, r.end_date), sort: (r) => r.start_date },
    { label: "Alasan", cell: (r) => r.reason ?? "–" },
    {
      label: "Lampiran",
      cell: (r) =>
        r.attachment_url ? (
          <a href={r.attachment_url} target="_blank" rel="noopener noreferrer" onClick={(e) => openLetter(e, r)}>
            Buka
          </a>
        ) : (
          "–"
        ),
    },
    { label: "Diajukan", cell: (r) => dateTime(r.created_at), sort: (r) => r.created_at ?? "" },
  ];
  if (status === "pending" && canChange(session))
    columns.push({
      label: "Keputusan",
      cell: (r) =>
        mayChange(session, r.nip) ? (
          <RequestDecision
            request={r}
            onDone={(text) => {
              setDecided((d) => ({ text, seq: (d?.seq ?? 0) + 1 }));
              loaded.reload();
            }}
          />
        ) : (
          OWN_RECORD
        ),
    });
  else columns.push({ label: "Diputuskan", cell: (r) => decidedText(r, dateTime) }, { label: "Catatan", cell: (r) => r.note ?? "–" });
  if (status === "approved" && canChange(session))
    columns.push({
      label: "Aksi",
      cell: (r) =>
        mayChange(session, r.nip) ? (
          <>
            {r.result_id ? null : <FinishApproval request={r} action={revoking} onDone={loaded.reload} />}
            <RevokeForm request={r} action={revoking} onDone={loaded.reload} />
          </>
        ) : (
          OWN_RECORD
        ),
    });
  return (
    <Screen title="Pengajuan">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, "Semua unit")} />
        <Select
          label="Status"
          value={status}
          onChange={(v) => {
            setStatus(v);
            setDecided(null);
          }}
          options={REQUEST_STATUSES}
        />
      </div>
      <ErrorLine message={loaded.error} />
      <Outcome action={revoking} focus />
      <Done message={decided?.text ?? null} focusOn={decided?.seq} />
      <Table caption="Pengajuan pegawai" rows={loaded.data?.items ?? []} loading={loaded.loading} columns={columns} rowKey={(r) => r.request_id} pageSize={25} />
    </Screen>
  );
}
