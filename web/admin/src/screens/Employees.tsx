// "Pegawai": the list (one unit, every page fetched, one page of rows rendered; a full NIP across all the admin's units),
// searched, filtered and sorted in the browser; per unit the enrolment progress and "Cetak Kode Aktivasi"
// (the A4 PDF sheet) and the suspected duplicate faces; per employee the activation code, device reset, login
// unlock, faces (approving pending self-enrolments, deleting a wrong one), the schedule and the shift roster.
import { useMemo, useState } from "preact/hooks";
import { UserMessage } from "../../../shared/api";
import { useConsole, unitOptions } from "../context";
import { href, type Route } from "../router";
import { call, canChange, get, mayChange, OWN_RECORD, readsRegency } from "../session";
import type { Employee, FaceTemplate, Unit } from "../types";
import { dateTime } from "../format";
import { allPages, ConfirmButton, Done, ErrorLine, Field, Screen, Select, Table, useAction, useLoad, usePages, type Column } from "../ui";
import { EmployeeShifts, ScheduleVersions } from "./Calendar";
import { DuplicateFaces } from "./Duplicates";

const yesNo = (b: boolean): string => (b ? "Ya" : "Belum");

const columns: Column<Employee>[] = [
  { label: "Nama", cell: (e) => <a href={href(["pegawai", e.nip])}>{e.nama}</a>, sort: (e) => e.nama },
  { label: "NIP", cell: (e) => e.nip, sort: (e) => e.nip },
  { label: "Jabatan", cell: (e) => e.jabatan ?? "–", sort: (e) => e.jabatan ?? "" },
  { label: "Status", cell: (e) => (e.active ? "Aktif" : "Nonaktif"), sort: (e) => Number(e.active) },
  { label: "Wajah", cell: (e) => yesNo(e.enrolled), sort: (e) => Number(e.enrolled) },
  { label: "Ponsel", cell: (e) => yesNo(e.device_bound), sort: (e) => Number(e.device_bound) },
];

const FILTERS: [string, string, (e: Employee) => boolean][] = [
  ["", "Semua", () => true],
  ["active", "Aktif", (e) => e.active],
  ["inactive", "Nonaktif", (e) => !e.active],
  ["no-device", "Belum aktivasi ponsel", (e) => e.active && !e.device_bound],
  ["no-face", "Belum daftar wajah", (e) => e.active && !e.enrolled],
];

function Progress({ label, value, total }: { label: string; value: number | undefined; total: number }) {
  if (value === undefined) return null;
  return (
    <div class="progress">
      <span>
        {label}: {value} dari {total}
      </span>
      <progress max={total || 1} value={value} aria-label={label} />
    </div>
  );
}

interface Sheet {
  count: number;
  expires_at: string;
  sheet_url: string;
}

function UnitPanel({ unit }: { unit: Unit }) {
  const { session, reloadUnits } = useConsole();
  const [onlyNew, setOnlyNew] = useState(true);
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const action = useAction();
  function print(): void {
    // Opened before the answer arrives so the browser's pop-up blocker sees the click.
    const tab = window.open("", "_blank");
    void action.run(async () => {
      try {
        const s = await call<Sheet>("POST", `/v1/admin/units/${encodeURIComponent(unit.unor_id)}/activation-codes`, {
          only_not_activated: onlyNew,
        });
        setSheet(s);
        if (tab) tab.location.href = s.sheet_url;
        reloadUnits();
        return `${String(s.count)} kode aktivasi dibuat, berlaku sampai ${dateTime(s.expires_at)}.`;
      } catch (exc) {
        tab?.close();
        throw exc;
      }
    });
  }
  return (
    <section class="panel" aria-label={`Unit ${unit.unor_nama}`}>
      <h2>{unit.unor_nama}</h2>
      <Progress label="Sudah aktivasi" value={unit.activated_count} total={unit.employee_count} />
      <Progress label="Sudah daftar wajah" value={unit.enrolled_count} total={unit.employee_count} />
      {canChange(session) ? (
        <div class="buttons">
          <label class="check">
            <input type="checkbox" checked={onlyNew} onChange={(e) => setOnlyNew(e.currentTarget.checked)} /> Hanya yang belum
            aktivasi
          </label>
          <button type="button" disabled={action.busy} onClick={print}>
            Cetak Kode Aktivasi
          </button>
          <p class="hint">Mencetak ulang membuat kode baru: kode pada kartu yang sudah dibagikan kepada pegawai yang sama tidak berlaku lagi.</p>
        </div>
      ) : null}
      <ErrorLine message={action.error} />
      <Done message={action.done} />
      {sheet ? (
        <p>
          <a href={sheet.sheet_url} target="_blank" rel="noopener noreferrer">
            Buka lembar kode aktivasi (PDF)
          </a>
        </p>
      ) : null}
    </section>
  );
}

const FULL_NIP = /^[0-9]{18}$/;

export function Employees({ route }: { route: Route }) {
  const { units } = useConsole();
  const [unit, setUnit] = useState(route.params.get("unit") ?? units[0]?.unor_id ?? "");
  const [q, setQ] = useState("");
  const [filter, setFilter] = useState("");
  const needle = q.trim().toLowerCase();
  const fullNip = FULL_NIP.test(needle);
  // The unit's employees (every page, shown as they arrive), or the one employee of a full NIP anywhere in scope.
  const loaded = usePages<Employee>(
    fullNip || unit ? "/v1/admin/employees" : null,
    fullNip ? { q: needle } : { unor_id: unit },
    fullNip ? `nip:${needle}` : `unit:${unit}`,
  );
  const rows = useMemo(() => {
    const keep = FILTERS.find((f) => f[0] === filter)?.[2] ?? (() => true);
    return loaded.items.filter((e) => keep(e) && (!needle || e.nama.toLowerCase().includes(needle) || e.nip.startsWith(needle)));
  }, [loaded.items, needle, filter]);
  const chosen = units.find((u) => u.unor_id === unit);
  return (
    <Screen title="Pegawai">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, null)} />
        <Field label="Cari nama atau NIP" type="search" value={q} onInput={setQ} />
        <Select label="Tampilkan" value={filter} onChange={setFilter} options={FILTERS.map(([v, t]): [string, string] => [v, t])} />
      </div>
      <p class="hint">NIP lengkap (18 angka) dicari di semua unit Anda.</p>
      {chosen && !fullNip ? <UnitPanel unit={chosen} /> : null}
      <ErrorLine message={loaded.error} />
      {!loaded.done && !loaded.error ? (
        <p class="hint" aria-busy="true">
          Memuat pegawai… {loaded.items.length} dimuat
        </p>
      ) : null}
      <Table caption={`Daftar pegawai (${String(rows.length)})`} rows={rows} columns={columns} rowKey={(e) => e.nip} pageSize={50} empty="Tidak ada pegawai yang cocok." loading={!loaded.done && !loaded.error} />
      <DuplicateFaces />
    </Screen>
  );
}

/** What a template's caption says before its date: only approved templates verify check-ins. */
const FACE_STATUS: Record<string, string> = { pending: "Menunggu persetujuan · ", rejected: "Ditolak · " };

interface PendingFace extends FaceTemplate {
  nip: string;
  own_match: { score: number | null; threshold: number; unlike: boolean } | null;
}

const SCORE = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });

/** What the queue says of a face against the employee's approved ones (nothing for a first face): one unlike
 * them is a stand-in's, and only a super admin who did not enrol it may approve it (decision 202). */
function OwnMatch({ match }: { match: PendingFace["own_match"] }) {
  if (!match) return null;
  if (match.score === null)
    return (
      <p class="error" role="note">
        Wajah pegawai yang pernah disetujui sudah dihapus atau tidak dapat dibandingkan, sehingga wajah ini tidak dapat dipastikan milik pegawai
        itu. Hanya super admin yang dapat menyetujuinya.
      </p>
    );
  const figures = `skor ${SCORE.format(match.score)}, batas ${SCORE.format(match.threshold)}`;
  return match.unlike ? (
    <p class="error" role="note">
      Wajah ini tidak cocok dengan wajah pegawai yang sudah disetujui ({figures}). Periksa apakah ini orang yang sama; hanya super admin
      (bukan yang mendaftarkannya) yang dapat menyetujuinya.
    </p>
  ) : (
    <p class="hint">Cocok dengan wajah pegawai yang sudah disetujui ({figures}).</p>
  );
}

function Faces({ employee }: { employee: Employee }) {
  const { session } = useConsole();
  const path = `/v1/admin/employees/${employee.nip}/faces`;
  const faces = useLoad((signal) => allPages<FaceTemplate>(path, {}, signal), employee.nip);
  const pending = useLoad(
    (signal) =>
      allPages<PendingFace>("/v1/admin/faces/pending", { unor_id: employee.unor_id }, signal).then((all) => all.filter((f) => f.nip === employee.nip)),
    employee.nip,
  );
  const action = useAction();
  const change = (step: () => Promise<string>): void =>
    void action.run(step).then(() => {
      faces.reload();
      pending.reload();
    });
  // A refusal carries its reason: the employee reads it on Home before taking another photo (decision 197).
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const decide = (templateId: string, decision: "approve" | "reject"): void =>
    change(async () => {
      const note = (reasons[templateId] ?? "").trim();
      if (decision === "reject" && !note) throw new UserMessage("Tulis alasan penolakan (mis. terlalu gelap): pegawai akan membacanya.");
      await call("POST", `/v1/admin/faces/${encodeURIComponent(templateId)}`, note ? { decision, note } : { decision });
      return decision === "approve" ? "Wajah disetujui." : "Wajah ditolak.";
    });
  // A face of someone else (a duplicate found later, a photo of the wrong person): check-ins stop matching it.
  const remove = (templateId: string): void =>
    change(async () => {
      await call("DELETE", `${path}/${encodeURIComponent(templateId)}`);
      return "Wajah dihapus.";
    });
  return (
    // Busy while its lists load: they push the panels below down once they come (tests wait for the page to settle).
    <section class="panel" aria-label="Wajah" aria-busy={faces.loading || pending.loading || undefined}>
      <h2>Wajah</h2>
      <ErrorLine message={faces.error ?? action.error} />
      <Done message={action.done} />
      <div class="faces">
        {(faces.data ?? []).map((f) => (
          <figure key={f.template_id} class="photo">
            <img src={f.photo_url} alt={`Wajah terdaftar ${dateTime(f.created_at)}`} loading="lazy" referrerpolicy="no-referrer" />
            <figcaption>
              {FACE_STATUS[f.status ?? "approved"] ?? ""}
              {dateTime(f.created_at)}
            </figcaption>
            {mayChange(session, employee.nip) ? (
              <ConfirmButton
                label="Hapus Wajah"
                question="Absen berikutnya tidak lagi dicocokkan dengan wajah ini. Hapus?"
                disabled={action.busy}
                onConfirm={() => remove(f.template_id)}
              />
            ) : null}
          </figure>
        ))}
        {faces.data?.length === 0 ? <p>Belum ada wajah terdaftar.</p> : null}
      </div>
      {(pending.data ?? []).length > 0 ? <h3>Menunggu persetujuan</h3> : null}
      {(pending.data ?? []).map((f) => (
        <div key={f.template_id} class="pending-face">
          <img src={f.photo_url} alt="Swafoto pendaftaran dari aplikasi" referrerpolicy="no-referrer" />
          <OwnMatch match={f.own_match} />
          {mayChange(session, employee.nip) ? (
            <div class="buttons">
              <Field
                label="Alasan bila ditolak (dibaca pegawai)"
                value={reasons[f.template_id] ?? ""}
                onInput={(v) => setReasons({ ...reasons, [f.template_id]: v })}
                maxLength={500}
              />
              <button type="button" disabled={action.busy} onClick={() => decide(f.template_id, "approve")}>
                Setujui Wajah
              </button>
              <button type="button" class="danger" disabled={action.busy} onClick={() => decide(f.template_id, "reject")}>
                Tolak Wajah
              </button>
            </div>
          ) : null}
        </div>
      ))}
    </section>
  );
}

function Access({ employee, onChanged }: { employee: Employee; onChanged: () => void }) {
  const { session } = useConsole();
  const [code, setCode] = useState<{ activation_code: string; expires_at: string } | null>(null);
  const action = useAction();
  const base = `/v1/admin/employees/${employee.nip}`;
  return (
    <section class="panel" aria-label="Akses">
      <h2>Akses aplikasi</h2>
      <p>Ponsel terdaftar: {employee.device_bound ? "Ya" : "Belum"}</p>
      <div class="buttons">
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              setCode(await call("POST", `${base}/activation`));
              return null;
            })
          }
        >
          Buat Kode Aktivasi
        </button>
        <ConfirmButton
          label="Reset Perangkat"
          question="Ponsel lama tidak bisa dipakai lagi. Lanjutkan?"
          disabled={action.busy || !employee.device_bound}
          onConfirm={() =>
            void action
              .run(async () => {
                await call("POST", `${base}/reset-device`);
                return "Perangkat direset: login berikutnya mendaftarkan ponsel baru.";
              })
              .then(onChanged)
          }
        />
        {session.role === "super_admin" ? (
          <button
            type="button"
            class="secondary"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await call("POST", `${base}/unlock`);
                return "Kunci login dibuka: pegawai dapat langsung mencoba masuk lagi.";
              })
            }
          >
            Buka Kunci Login
          </button>
        ) : null}
      </div>
      {code ? (
        <p class="code" role="status">
          Kode aktivasi: <strong>{code.activation_code}</strong> (berlaku sampai {dateTime(code.expires_at)})
        </p>
      ) : null}
      <ErrorLine message={action.error} />
      <Done message={action.done} />
    </section>
  );
}

export function EmployeeDetail({ route }: { route: Route }) {
  const { session, unitName } = useConsole();
  const nip = route.segments[1] ?? "";
  const loaded = useLoad(
    (signal) => get<{ items: Employee[] }>("/v1/admin/employees", { q: nip }, signal).then((p) => p.items.find((e) => e.nip === nip) ?? null),
    nip,
  );
  const e = loaded.data;
  return (
    <Screen title={e ? e.nama : "Pegawai"}>
      <p>
        <a href={href(["pegawai"], e ? { unit: e.unor_id } : {})}>← Daftar pegawai</a>
      </p>
      <ErrorLine message={loaded.error} />
      {!loaded.loading && !e && !loaded.error ? <p role="alert">Pegawai tidak ditemukan atau di luar unit Anda.</p> : null}
      {e ? (
        <>
          <dl class="facts">
            <dt>NIP</dt>
            <dd>{e.nip}</dd>
            <dt>Unit</dt>
            <dd>{unitName(e.unor_id)}</dd>
            <dt>Jabatan</dt>
            <dd>{e.jabatan ?? "–"}</dd>
            <dt>Status</dt>
            <dd>{e.active ? "Aktif" : "Nonaktif"}</dd>
          </dl>
          {readsRegency(session) ? (
            <p>
              <a href={href(["audit"], { log: "views", target: e.nip })}>Siapa yang melihat foto dan lampiran pegawai ini</a>
            </p>
          ) : null}
          {mayChange(session, e.nip) ? <Access employee={e} onChanged={loaded.reload} /> : null}
          {canChange(session) && !mayChange(session, e.nip) ? (
            <p class="hint" role="note">
              {OWN_RECORD}
            </p>
          ) : null}
          <Faces employee={e} />
          <section class="panel" aria-label="Jadwal pegawai">
            <h2>Jadwal khusus</h2>
            <p class="hint">Mengganti jadwal unit untuk pegawai ini mulai tanggal berlaku.</p>
            <ScheduleVersions
              key={e.nip}
              path={`/v1/admin/employees/${e.nip}/schedule`}
              caption="Versi jadwal pegawai"
              empty="Belum ada jadwal khusus: jadwal unit berlaku."
              editable={mayChange(session, e.nip)}
            />
          </section>
          <section class="panel" aria-label="Jadwal sif pegawai">
            <h2>Jadwal sif</h2>
            <p class="hint">
              Jam kerja per tanggal untuk pegawai bersif: menggantikan jadwal biasa, hari libur, dan jam Ramadan pada tanggal itu. Jam pulang lebih awal dari
              jam masuk berarti sif berakhir keesokan harinya (mis. 22:00–06:00). Centang Libur untuk hari tidak bekerja.
              {mayChange(session, e.nip) ? " Tanggal yang sudah punya sif ditimpa; 1–62 tanggal sekali simpan. Hapus mengembalikan tanggal itu ke jadwal biasa." : ""}
            </p>
            <EmployeeShifts key={e.nip} path={`/v1/admin/employees/${e.nip}/shifts`} editable={mayChange(session, e.nip)} />
          </section>
        </>
      ) : null}
    </Screen>
  );
}
