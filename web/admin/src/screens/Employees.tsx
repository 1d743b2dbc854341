// "Pegawai": the list (one unit, every page fetched, one page of rows rendered; with "Semua unit", or a full NIP, the
// server's search across all the admin's units), searched, filtered and sorted in the browser; the unit's queue of
// faces awaiting approval ("Menunggu persetujuan wajah", decided in place); per unit the enrolment progress and
// "Cetak Kode Aktivasi" (the A4 PDF sheet) and the suspected duplicate faces; per employee the activation code,
// device reset, login unlock, faces (approving pending self-enrolments, deleting a wrong one), the schedule and the
// shift roster.
import { useEffect, useMemo, useState } from "preact/hooks";
import { UserMessage } from "../../../shared/api";
import { useConsole, unitOptions } from "../context";
import { ALL_UNITS_MIN, approvalLeftToAnother, employeeListing, enrolledBy, matches, normalised, queueRows, type QueuedFace } from "../employeeList";
import { expired, type LinksRead, stamped, useFreshLinks } from "../links";
import { href, type Route } from "../router";
import { call, canChange, get, mayChange, OWN_RECORD, readsRegency } from "../session";
import type { Employee, FaceTemplate, Unit } from "../types";
import { knownValidityDays, learnValidity, type LeftOut, leftOutSaid, printQuestion } from "../activationSheet";
import { count, dateTime, serverNow } from "../format";
import {
  allPages,
  ConfirmButton,
  Done,
  ErrorLine,
  Field,
  firstPages,
  MoreNotice,
  Screen,
  Select,
  Table,
  useAction,
  useLoad,
  usePages,
  type Action,
  type Column,
} from "../ui";
import { EmployeeShifts, ScheduleVersions } from "./Calendar";
import { DuplicateFaces } from "./Duplicates";

const yesNo = (b: boolean): string => (b ? "Ya" : "Belum");

const COLUMNS: Column<Employee>[] = [
  { label: "Nama", cell: (e) => <a href={href(["pegawai", e.nip])}>{e.nama}</a>, sort: (e) => e.nama },
  { label: "NIP", cell: (e) => e.nip, sort: (e) => e.nip },
  { label: "Jabatan", cell: (e) => e.jabatan ?? "–", sort: (e) => e.jabatan ?? "" },
  { label: "Status", cell: (e) => (e.active ? "Aktif" : "Nonaktif"), sort: (e) => Number(e.active) },
  { label: "Wajah", cell: (e) => faceState(e), sort: (e) => FACE_ORDER.indexOf(faceState(e)) },
  { label: "Ponsel", cell: (e) => yesNo(e.device_bound), sort: (e) => Number(e.device_bound) },
];

/** The choice of "Tampilkan" that shows the unit's queue of faces awaiting approval instead of the employees. */
const QUEUE = "face-pending";

/** The Pegawai screen of a unit showing the faces that wait for its admin ("Menunggu persetujuan wajah"): where
 * the adoption report's waiting count leads. */
export function facesQueueHref(unorId: string): string {
  return href(["pegawai"], { unit: unorId, tampil: QUEUE });
}

const FILTERS: [string, string, (e: Employee) => boolean][] = [
  ["", "Semua", () => true],
  ["active", "Aktif", (e) => e.active],
  ["inactive", "Nonaktif", (e) => !e.active],
  ["no-device", "Belum aktivasi ponsel", (e) => e.active && !e.device_bound],
  // Those whose face waits are in the queue below, and those whose face was rejected have their own filter: the
  // ones to tell to enrol again, in the hall, are not lost among those who never sent one.
  ["no-face", "Belum daftar wajah", (e) => e.active && faceState(e) === "Belum"],
  ["face-rejected", "Wajah ditolak (daftar lagi)", (e) => e.active && faceState(e) === "Ditolak"],
  [QUEUE, "Menunggu persetujuan wajah", () => true],
];

/** "Wajah" sorted: none yet, rejected, waiting, approved (ascending). */
const FACE_ORDER = ["Belum", "Ditolak", "Menunggu", "Ya"];

/** The list's "Wajah": approved, waiting for an admin, rejected (to enrol again), or none yet. */
export function faceState(e: Pick<Employee, "enrolled" | "face_pending" | "face_rejected">): string {
  if (e.enrolled) return "Ya";
  if (e.face_pending) return "Menunggu";
  return e.face_rejected ? "Ditolak" : "Belum";
}

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
  left_out?: LeftOut[];
}

/** Said in place of the sheet's link once it has expired: printing again makes new codes, which void cards handed out. */
export const SHEET_GONE =
  "Tautan lembar kode sudah kedaluwarsa (berlaku beberapa menit). Kartu yang sudah dicetak tetap berlaku; mencetak ulang membuat kode baru dan kode pada kartu yang sudah dibagikan tidak berlaku lagi.";

function UnitPanel({ unit }: { unit: Unit }) {
  const { session, reloadUnits } = useConsole();
  const [onlyNew, setOnlyNew] = useState(true);
  const [sheet, setSheet] = useState<(Sheet & LinksRead) | null>(null);
  const [sheetGone, setSheetGone] = useState(false);
  const action = useAction();
  function print(): void {
    // Opened before the answer arrives so the browser's pop-up blocker sees the click.
    const tab = window.open("", "_blank");
    void action.run(async () => {
      try {
        const readAt = Date.now();
        const s = await call<Sheet>("POST", `/v1/admin/units/${encodeURIComponent(unit.unor_id)}/activation-codes`, {
          only_not_activated: onlyNew,
        });
        setSheet({ ...s, readAt });
        setSheetGone(false);
        learnValidity(s.expires_at, serverNow()); // the next question says the stage's days
        if (tab) tab.location.href = s.sheet_url;
        reloadUnits();
        return [`${count(s.count)} kode aktivasi dibuat, berlaku sampai ${dateTime(s.expires_at)}.`, leftOutSaid(s.left_out ?? [])].join(" ").trim();
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
          {/* Asks first: the new codes void the cards already handed out, and last only days. "Ya" opens the tab
              in its own click, so the pop-up blocker still sees the person's gesture. */}
          <ConfirmButton label="Cetak Kode Aktivasi" question={printQuestion(onlyNew, knownValidityDays())} busy={action.busy} onConfirm={print} />
          <p class="hint">Mencetak ulang membuat kode baru: kode pada kartu yang sudah dibagikan kepada pegawai yang sama tidak berlaku lagi.</p>
        </div>
      ) : null}
      <ErrorLine message={action.error} />
      <Done message={action.done} />
      {sheet && sheetGone ? (
        <p class="hint" role="alert">{SHEET_GONE}</p>
      ) : sheet ? (
        <p>
          <a
            href={sheet.sheet_url}
            target="_blank"
            rel="noopener noreferrer"
            onClick={(e) => {
              // A signed link lives minutes (decision 177): a dead one opened S3's English "Request has expired".
              if (expired([sheet.sheet_url], sheet.readAt, Date.now())) {
                e.preventDefault();
                setSheetGone(true);
              }
            }}
          >
            Buka lembar kode aktivasi (PDF)
          </a>
        </p>
      ) : null}
    </section>
  );
}

/** `value` once it stayed the same for `ms`: a name typed letter by letter is searched across the units once. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function Employees({ route }: { route: Route }) {
  const { units, unitName } = useConsole();
  // "Semua unit" (value "") for an admin of several units: names and NIPs are then searched by the server.
  const several = units.length > 1;
  const [unit, setUnit] = useState(route.params.get("unit") ?? units[0]?.unor_id ?? "");
  const [q, setQ] = useState("");
  // "tampil" names a filter in the address (facesQueueHref); an unknown one shows all
  const [filter, setFilter] = useState(FILTERS.find((f) => f[0] === route.params.get("tampil"))?.[0] ?? "");
  const needle = normalised(q);
  const listing = employeeListing(unit, useSettled(q, 400));
  // The unit's employees (every page, shown as they arrive), or the server's search across the admin's units.
  const loaded = usePages<Employee>(
    listing.kind === "prompt" ? null : "/v1/admin/employees",
    listing.kind === "prompt" ? {} : listing.query,
    listing.kind === "prompt" ? "prompt" : listing.key,
  );
  const rows = useMemo(() => {
    const keep = FILTERS.find((f) => f[0] === filter)?.[2] ?? (() => true);
    return loaded.items.filter((e) => keep(e) && matches(e, needle));
  }, [loaded.items, needle, filter]);
  const columns = useMemo(
    (): Column<Employee>[] =>
      listing.kind === "search"
        ? [...COLUMNS.slice(0, 2), { label: "Unit", cell: (e) => unitName(e.unor_id), sort: (e) => unitName(e.unor_id) }, ...COLUMNS.slice(2)]
        : COLUMNS,
    [listing.kind, unitName],
  );
  const chosen = units.find((u) => u.unor_id === unit);
  const loading = !loaded.done && !loaded.error;
  return (
    <Screen title="Pegawai">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, several ? "Semua unit" : null)} />
        <Field label="Cari nama atau NIP" type="search" value={q} onInput={setQ} />
        <Select label="Tampilkan" value={filter} onChange={setFilter} options={FILTERS.map(([v, t]): [string, string] => [v, t])} />
      </div>
      <p class="hint">
        {unit
          ? several
            ? "Nama dicari di unit terpilih (pilih Semua unit untuk mencari di semua unit Anda); NIP lengkap (18 angka) dicari di semua unit Anda."
            : "NIP lengkap (18 angka) dicari di semua unit Anda."
          : filter === QUEUE
            ? "Semua unit: wajah yang menunggu persetujuan di semua unit Anda."
            : `Semua unit: ketik sedikitnya ${String(ALL_UNITS_MIN)} huruf nama atau angka awal NIP.`}
      </p>
      {/* keyed by its unit: another unit's panel starts afresh (no sheet link, message or choice of the unit before) */}
      {chosen && listing.kind === "unit" ? <UnitPanel key={chosen.unor_id} unit={chosen} /> : null}
      {filter === QUEUE ? (
        <PendingQueue unit={unit} needle={needle} />
      ) : listing.kind === "prompt" ? null : (
        <>
          <ErrorLine message={loaded.error} />
          {loading ? (
            <p class="hint" aria-busy="true">
              Memuat pegawai… {loaded.items.length} dimuat
            </p>
          ) : null}
          <Table caption={`Daftar pegawai (${count(rows.length)})`} rows={rows} columns={columns} rowKey={(e) => e.nip} pageSize={50} empty="Tidak ada pegawai yang cocok." loading={loading} />
          {unit && several && needle && !loading && rows.length === 0 ? (
            <p>
              <button type="button" class="secondary" onClick={() => setUnit("")}>
                Cari di Semua Unit
              </button>
            </p>
          ) : null}
        </>
      )}
      <DuplicateFaces />
    </Screen>
  );
}

/** The queue read at most (more: the screen says so, and what to do). */
const QUEUE_LIMIT = 1000;

/** The faces awaiting approval in the unit (`""`: every unit of the admin), the longest waiting first: who, since
 * when, by whom, the photo, and the decision in place (the same controls as on the employee's page). Read only when
 * asked for: the API records each photo link it hands out (the log of who saw whose photos). */
function PendingQueue({ unit, needle }: { unit: string; needle: string }) {
  const { session, unitName, reloadUnits } = useConsole();
  const queue = useLoad((signal) => {
    const readAt = Date.now();
    return firstPages<PendingFace>("/v1/admin/faces/pending", unit ? { unor_id: unit } : {}, signal, QUEUE_LIMIT).then((listing) => ({ ...listing, readAt }));
  }, `queue:${unit}`);
  const { fresh } = useFreshLinks(queue);
  // What was decided here, by template: the row stays (with the outcome) until the queue is read again.
  const [decided, setDecided] = useState<Record<string, string>>({});
  const rows = useMemo(() => queueRows(queue.data?.items ?? [], needle), [queue.data, needle]);
  const columns = useMemo((): Column<PendingFace>[] => {
    const all: (Column<PendingFace> | null)[] = [
      { label: "Nama", cell: (f) => <a href={href(["pegawai", f.nip])}>{f.nama ?? f.nip}</a>, sort: (f) => f.nama ?? "" },
      { label: "NIP", cell: (f) => f.nip, sort: (f) => f.nip },
      unit ? null : { label: "Unit", cell: (f) => unitName(f.unor_id), sort: (f) => unitName(f.unor_id) },
      { label: "Didaftarkan", cell: (f) => dateTime(f.created_at), sort: (f) => f.created_at },
      { label: "Oleh", cell: (f) => enrolledBy(f), sort: (f) => enrolledBy(f) },
      {
        label: "Foto dan keputusan",
        cell: (f) => (
          <div class="pending-face">
            <img
              src={f.photo_url}
              alt={`Wajah ${f.nama ?? f.nip} yang menunggu persetujuan`}
              loading="lazy"
              referrerpolicy="no-referrer"
              onError={() => fresh([f.photo_url])}
            />
            {decided[f.template_id] ? (
              <Done message={decided[f.template_id] ?? null} />
            ) : (
              <QueuedDecision
                face={f}
                editable={mayChange(session, f.nip)}
                onDecided={(message) => {
                  setDecided((d) => ({ ...d, [f.template_id]: message }));
                  reloadUnits(); // the unit's "Sudah daftar wajah" counts it
                }}
              />
            )}
          </div>
        ),
      },
    ];
    return all.filter((c): c is Column<PendingFace> => c !== null);
  }, [unit, unitName, session, decided, fresh, reloadUnits]);
  const open = rows.filter((f) => !decided[f.template_id]).length;
  return (
    <section class="panel" aria-label="Wajah menunggu persetujuan" aria-busy={queue.loading || undefined}>
      <h2>Wajah menunggu persetujuan</h2>
      <p class="hint">
        Wajah yang didaftarkan pegawai dari aplikasi (atau oleh admin setelah reset perangkat) belum dipakai untuk absen sampai disetujui. Bandingkan
        fotonya dengan pegawainya; nama membuka halaman pegawai.
      </p>
      <ErrorLine message={queue.error} />
      <MoreNotice listing={queue.data} what="wajah pertama" rest={unit ? "Putuskan yang ini dulu, lalu muat ulang." : "Pilih satu unit."} />
      <Table
        caption={`Wajah menunggu persetujuan (${count(open)})`}
        rows={rows}
        columns={columns}
        rowKey={(f) => f.template_id}
        pageSize={20}
        empty="Tidak ada wajah yang menunggu persetujuan."
        loading={queue.loading}
      />
      <button
        type="button"
        class="secondary"
        disabled={queue.loading}
        onClick={() => {
          setDecided({});
          queue.reload();
        }}
      >
        Muat Ulang
      </button>
    </section>
  );
}

/** One row's decision: its own busy state and refusal; the outcome is kept by the queue. */
function QueuedDecision({ face, editable, onDecided }: { face: PendingFace; editable: boolean; onDecided: (message: string) => void }) {
  const action = useAction();
  return (
    <>
      <PendingDecision
        face={face}
        action={action}
        editable={editable}
        after={(decision) => {
          if (decision) onDecided(decision === "approve" ? "Wajah disetujui." : "Wajah ditolak.");
        }}
      />
      <ErrorLine message={action.error} />
    </>
  );
}

/** What a template's caption says before its date: only approved templates verify check-ins. */
const FACE_STATUS: Record<string, string> = { pending: "Menunggu persetujuan · ", rejected: "Ditolak · " };

/** A face template awaiting a decision, as GET /v1/admin/faces/pending lists it. */
interface PendingFace extends QueuedFace {
  photo_url: string;
  reset_by: string | null;
  resetters?: string[];
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

/** A waiting face's note on how it matched the employee's approved faces, and (for an admin who may decide it)
 * "Setujui Wajah" / "Tolak Wajah" with the reason a refusal needs: on the employee's page and in the unit's queue.
 * `after` hears the decision made, or null when the API refused it. */
function PendingDecision(p: { face: PendingFace; action: Action; editable: boolean; after: (decision: "approve" | "reject" | null) => void }) {
  const { session } = useConsole();
  // A refusal carries its reason: the employee reads it on Home before taking another photo (decision 197).
  const [reason, setReason] = useState("");
  const leftToAnother = approvalLeftToAnother(p.face, session.username);
  const who = p.face.nama ?? p.face.nip;
  const decide = (decision: "approve" | "reject"): void =>
    void p.action
      .run(async () => {
        const note = reason.trim();
        if (decision === "reject" && !note) throw new UserMessage("Tulis alasan penolakan (mis. terlalu gelap): pegawai akan membacanya.");
        await call("POST", `/v1/admin/faces/${encodeURIComponent(p.face.template_id)}`, note ? { decision, note } : { decision });
        return decision === "approve" ? "Wajah disetujui." : "Wajah ditolak.";
      })
      .then((ok) => p.after(ok ? decision : null));
  return (
    <>
      <OwnMatch match={p.face.own_match} />
      {p.editable && leftToAnother ? <p class="hint" role="note">{leftToAnother}</p> : null}
      {p.editable ? (
        <div class="buttons">
          {/* Named after the employee: the queue holds a row of these per face (DecisionForm's way). */}
          <Field label={`Alasan bila ditolak (dibaca ${who})`} value={reason} onInput={setReason} maxLength={500} />
          <button type="button" aria-label={`Setujui Wajah ${who}`} disabled={p.action.busy || leftToAnother !== null} onClick={() => decide("approve")}>
            Setujui Wajah
          </button>
          <button type="button" class="danger" aria-label={`Tolak Wajah ${who}`} disabled={p.action.busy} onClick={() => decide("reject")}>
            Tolak Wajah
          </button>
        </div>
      ) : null}
    </>
  );
}

function Faces({ employee }: { employee: Employee }) {
  const { session, reloadUnits } = useConsole();
  const path = `/v1/admin/employees/${employee.nip}/faces`;
  const faces = useLoad((signal) => stamped(allPages<FaceTemplate>(path, {}, signal)), employee.nip);
  const pending = useLoad((signal) => stamped(allPages<PendingFace>("/v1/admin/faces/pending", { nip: employee.nip }, signal)), employee.nip);
  // A photo further down loads when scrolled to, maybe after its link expired: the list is read again then.
  const facesLinks = useFreshLinks(faces);
  const pendingLinks = useFreshLinks(pending);
  const action = useAction();
  const reloadAll = (): void => {
    faces.reload();
    pending.reload();
    reloadUnits(); // the unit's "Sudah daftar wajah" counts a face approved or removed
  };
  const change = (step: () => Promise<string>): void => void action.run(step).then(reloadAll);
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
        {(faces.data?.items ?? []).map((f) => (
          <figure key={f.template_id} class="photo">
            <img
              src={f.photo_url}
              alt={`Wajah terdaftar ${dateTime(f.created_at)}`}
              loading="lazy"
              referrerpolicy="no-referrer"
              onError={() => facesLinks.fresh([f.photo_url])}
            />
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
        {faces.data?.items.length === 0 ? <p>Belum ada wajah terdaftar.</p> : null}
      </div>
      {(pending.data?.items ?? []).length > 0 ? <h3>Menunggu persetujuan</h3> : null}
      {(pending.data?.items ?? []).map((f) => (
        <div key={f.template_id} class="pending-face">
          <img src={f.photo_url} alt="Swafoto pendaftaran dari aplikasi" referrerpolicy="no-referrer" onError={() => pendingLinks.fresh([f.photo_url])} />
          <PendingDecision face={f} action={action} editable={mayChange(session, employee.nip)} after={reloadAll} />
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
      {/* SIMPEG deactivated the employee: the API refuses a code (403 ACCOUNT_INACTIVE), so none is offered. */}
      {employee.active ? null : <p class="hint">Pegawai ini tidak aktif menurut SIMPEG: kode aktivasi tidak dapat dibuat.</p>}
      <div class="buttons">
        {employee.active ? (
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
        ) : null}
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
