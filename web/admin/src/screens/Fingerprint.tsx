// "Sidik Jari": the fingerprint machines beside the app during the rollout (docs/panduan_admin.md, section 9):
// the machines' PINs mapped to NIPs, their attendance logs imported, and each unit's cut-over date, after which
// only the app counts. Loaded on first use (only admins running a rollout open it).
import { useState } from "preact/hooks";
import { UserMessage } from "../../../shared/api";
import { dayText } from "../../../shared/months";
import { useConsole, unitOptions } from "../context";
import { machineUnit, machineUnitOptions } from "../machineUnit";
import type { Route } from "../router";
import { count, today } from "../format";
import { call, upload, withQuery } from "../session";
import { ActionForm, Field, rejudged, Labelled, Outcome, Screen, Select, Submit, Table, useAction, type Column } from "../ui";

interface LineError {
  line: number;
  code: string;
  message: string;
}

interface PinsResult {
  mapped: number;
  errors: LineError[];
}

interface ImportResult {
  imported: number;
  duplicates: number;
  unknown_pins: string[];
  errors: LineError[];
  error_count: number;
  recapped: string[]; // recapped past dates of the file's punches, judged again within the import
  recapping: number; // recapped unit-days handed to the background, judged again within minutes
}

const lineColumns: Column<LineError>[] = [
  { label: "Baris", cell: (e) => e.line, sort: (e) => e.line },
  { label: "Kode", cell: (e) => e.code, sort: (e) => e.code },
  { label: "Pesan", cell: (e) => e.message },
];

const isCsv = (file: File): boolean => file.name.toLowerCase().endsWith(".csv") || file.type === "text/csv";

/** Whether a file is gzip-compressed already (its first two bytes), whatever its name says. */
async function isGzip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** A machine's log as sent: a `.gz` as it is (the API inflates once: compressed again, it read the inner gzip as
 * lines and imported nothing), else gzip-compressed where the browser can (a year of punches shrinks about
 * tenfold, and the API takes 4 MB as sent), else as it is, `text/csv` or `text/plain` (ATTLOG) by its name. */
export async function packed(file: File): Promise<[Blob, string]> {
  if (await isGzip(file)) return [file, "application/gzip"];
  if (typeof CompressionStream === "function") {
    const gzipped = await new Response(file.stream().pipeThrough(new CompressionStream("gzip"))).blob();
    return [gzipped, "application/gzip"];
  }
  return [file, isCsv(file) ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8"];
}

function FileField({ id, label, accept, onChange }: { id: string; label: string; accept: string; onChange: (f: File | null) => void }) {
  return (
    <Labelled id={id} label={label}>
      <input id={id} type="file" accept={accept} onChange={(e) => onChange(e.currentTarget.files?.[0] ?? null)} />
    </Labelled>
  );
}

function LineErrors({ caption, errors }: { caption: string; errors: LineError[] }) {
  return errors.length ? <Table caption={caption} rows={errors} columns={lineColumns} rowKey={(e) => `${String(e.line)}-${e.code}`} pageSize={20} /> : null;
}

function Pins() {
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<LineError[]>([]);
  const action = useAction();
  return (
    <ActionForm
      class="panel"
      label="Pemetaan PIN mesin"
      action={action}
      submit={async () => {
        if (!file) return null;
        setErrors([]);
        const r = await upload<PinsResult>("/v1/admin/fingerprint/pins", file, "text/csv; charset=utf-8", "PUT");
        setErrors(r.errors);
        return `${count(r.mapped)} PIN dipetakan, ${count(r.errors.length)} baris salah.`;
      }}
    >
      <h2>1. Pemetaan PIN mesin</h2>
      <p class="hint">Berkas CSV dengan kolom pin,nip. PIN yang sudah berupa NIP 18 digit tidak perlu dipetakan.</p>
      <FileField id="pins-file" label="Berkas CSV pemetaan PIN" accept=".csv,text/csv" onChange={setFile} />
      <Submit action={action} disabled={!file}>
        Unggah Pemetaan
      </Submit>
      <Outcome action={action} />
      <LineErrors caption="Baris pemetaan yang tidak diterapkan" errors={errors} />
    </ActionForm>
  );
}

/** Why an admin of several units picks the machine's unit (the API would match its PINs in all of them). */
const MACHINE_UNIT_WHY = "Pilih Unit mesin dulu: PIN mesin hanya dicocokkan di unit itu, agar PIN yang sama di mesin unit lain tidak tercatat sebagai absen pegawai lain.";

function Punches() {
  const { units } = useConsole();
  const [chosen, setUnit] = useState("");
  // Always sent as `unor_id`: without it the API matches the PINs across every unit of the admin
  const unit = machineUnit(units, chosen);
  const [offset, setOffset] = useState("0");
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const action = useAction();
  return (
    <ActionForm
      class="panel"
      label="Impor absen mesin"
      action={action}
      submit={async () => {
        if (!file) return null;
        if (!unit) throw new UserMessage(MACHINE_UNIT_WHY);
        setResult(null);
        const [body, type] = await packed(file);
        const path = withQuery("/v1/admin/fingerprint/import", { unor_id: unit, offset_minutes: Number(offset) || null });
        const r = await upload<ImportResult>(path, body, type);
        setResult(r);
        return `${count(r.imported)} absen diimpor, ${count(r.duplicates)} duplikat, ${count(r.unknown_pins.length)} PIN tidak dikenal, ${count(r.error_count)} baris salah.${rejudged(r)}`;
      }}
    >
      <h2>2. Impor absen mesin</h2>
      <p class="hint">
        Berkas absen dari mesin (ZKTeco ATTLOG atau CSV pin,timestamp, jam setempat). Mengunggah berkas yang sama dua kali tidak
        menggandakan absen.
      </p>
      <FileField id="punches-file" label="Berkas absen mesin" accept=".dat,.txt,.csv,.gz,text/plain,text/csv" onChange={setFile} />
      <div class="filters">
        <Select label="Unit mesin" value={unit} onChange={setUnit} options={machineUnitOptions(units)} />
        <Field label="Koreksi jam mesin (menit)" type="number" value={offset} onInput={setOffset} />
      </div>
      {unit ? null : <p class="hint">{MACHINE_UNIT_WHY}</p>}
      <p class="hint">Mesin yang terlambat 7 menit: isi 7.</p>
      <Submit action={action} disabled={!file || !unit}>
        Impor Absen
      </Submit>
      <Outcome action={action} />
      {result?.unknown_pins.length ? <p>PIN tidak dikenal (petakan dulu, lalu impor ulang): {result.unknown_pins.join(", ")}</p> : null}
      <LineErrors caption="Baris absen yang tidak diimpor" errors={result?.errors ?? []} />
    </ActionForm>
  );
}

function Cutover() {
  const { units, unitName, session } = useConsole();
  const [unit, setUnit] = useState(units.length === 1 ? (units[0]?.unor_id ?? "") : "");
  // No date is offered: a unit admin cannot take back a date saved too early (only a super admin moves it later).
  const [date, setDate] = useState("");
  const [understood, setUnderstood] = useState(false);
  const action = useAction();
  // A date already past voids the machine's punches recorded since: the API leaves it to a super admin, who must
  // say they understand first.
  const past = date !== "" && date < today();
  const superAdmin = session.role === "super_admin";
  return (
    <ActionForm
      class="panel"
      label="Tanggal peralihan"
      action={action}
      submit={async () => {
        const r = await call<{ unor_id: string; date: string; import_again_from?: string | null }>("PUT", `/v1/admin/units/${encodeURIComponent(unit)}/cutover`, { date });
        const again = r.import_again_from
          ? ` Absen mesin sejak ${dayText(r.import_again_from)} yang dulu ditolak tidak tersimpan: impor lagi berkas mesin sejak tanggal itu agar terhitung.`
          : "";
        return `Mulai ${dayText(r.date)}, hanya absen aplikasi yang dihitung untuk ${unitName(r.unor_id)}.${rejudged(r)}${again}`;
      }}
    >
      <h2>3. Tanggal peralihan</h2>
      <p class="hint">Sejak tanggal ini hanya absen dari aplikasi yang dihitung; absen mesin pada hari sebelumnya tetap dihitung. Tanggal yang tersimpan terlihat di Adopsi. Periksa tanggalnya sebelum menyimpan: admin unit memilih hari ini atau sesudahnya dan hanya dapat memajukannya; tanggal yang sudah lewat dan mengundurnya hanya dapat dilakukan super admin.</p>
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, "Pilih unit")} />
        <Field label="Hanya aplikasi mulai" type="date" value={date} onInput={(v) => {
            setDate(v);
            setUnderstood(false);
          }} required />
      </div>
      {past && !superAdmin ? <p role="alert">Tanggal yang sudah lewat hanya dapat ditetapkan super admin: absen mesin sejak tanggal itu tidak akan dihitung lagi.</p> : null}
      {past && superAdmin ? (
        <p role="alert">
          Tanggal ini sudah lewat: absen mesin sejak {dayText(date)} tidak dihitung lagi, dan rekap hari-hari itu dihitung ulang (pegawai yang hanya absen di mesin menjadi TK).{" "}
          <label>
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} /> Saya paham
          </label>
        </p>
      ) : null}
      <Submit action={action} disabled={!unit || !date || (past && !(superAdmin && understood))}>
        Simpan Tanggal Peralihan
      </Submit>
      <Outcome action={action} />
    </ActionForm>
  );
}

export function Fingerprint(_: { route: Route }) {
  return (
    <Screen title="Sidik Jari">
      <p>Selama unit belum pindah seluruhnya ke aplikasi, absen dari mesin sidik jari tetap dihitung.</p>
      <Pins />
      <Punches />
      <Cutover />
    </Screen>
  );
}
