// "Pengguna Admin" (super admin: list, create, activate/deactivate; per admin: role and units, a new password,
// the second factor forgotten, the login lock lifted) and "Akun Saya" (every admin: their own password changed
// with the current one, and two-factor login shown when on, else set up from a QR code of the API's otpauth URI).
// Loaded on first use (the QR generator is not part of the first load).
import qrcode from "qrcode-generator";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, UserMessage } from "../../../shared/api";
import { useConsole } from "../context";
import type { Route } from "../router";
import { call, changePassword, logOut, markMfaEnabled, ROLE_NAMES, roleName, type Role } from "../session";
import { count, dateTime } from "../format";
import { toggled, unitsMatching } from "../unitPick";
import { ActionForm, ConfirmButton, ErrorLine, Field, Outcome, Screen, Select, Submit, Table, useAction, useLoad, type Column } from "../ui";

interface AdminUser {
  username: string;
  role: Role;
  unit_ids: string[];
  active: boolean;
  mfa_enabled: boolean;
  last_login_at: string | null;
  /** The admin's own NIP when they are also an employee: SMART leaves decisions on that employee to others. */
  nip?: string;
}

const NIP_HINT = "Isi bila admin ini juga pegawai (misalnya operator sekolah): absen, pengajuan, cuti, jadwal, wajah, dan ponsel miliknya sendiri harus diputuskan admin lain.";

const ROLES = Object.entries(ROLE_NAMES) as [Role, string][];

/** The units of a unit admin or auditor: a checkbox per unit, narrowed by a search, with the units chosen named
 * above it (also those the search hides). Not a multiple select: there a click without Ctrl silently dropped
 * every other unit chosen, and a phone has no Ctrl. */
function UnitPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const { units, unitName } = useConsole();
  const [search, setSearch] = useState("");
  const chosen = new Set(value);
  const shown = unitsMatching(units, search);
  return (
    <fieldset class="unit-pick">
      <legend>Unit</legend>
      <p class="hint">{value.length ? `Dipilih (${count(value.length)}): ${value.map(unitName).join(", ")}` : "Belum ada unit dipilih."}</p>
      <Field label="Cari unit" value={search} onInput={setSearch} />
      {/* keyed on the search: a new search shows its first matches, not the place an earlier list was scrolled to */}
      <div class="unit-list" key={search}>
        {shown.length ? (
          shown.map((u) => (
            <label class="check" key={u.unor_id}>
              <input type="checkbox" checked={chosen.has(u.unor_id)} onChange={(e) => onChange(toggled(value, u.unor_id, e.currentTarget.checked))} />
              {u.unor_nama}
            </label>
          ))
        ) : (
          <p class="hint">Tidak ada unit yang cocok.</p>
        )}
      </div>
    </fieldset>
  );
}

/** The units sent with `role`: none for a super admin, whose picker is hidden but may hold earlier picks. */
const unitsFor = (role: Role, unitIds: string[]): string[] => (role === "super_admin" ? [] : unitIds);

const userPath = (u: AdminUser): string => `/v1/admin/users/${encodeURIComponent(u.username)}`;

/** Changes to another admin: role and units, a new password, the second factor forgotten, the login lock lifted.
 * Every change ends that admin's sessions (the API bumps their token version). */
function EditAdmin({ user, onChanged, onClose }: { user: AdminUser; onChanged: () => void; onClose: () => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [unitIds, setUnitIds] = useState(user.unit_ids);
  const [password, setPassword] = useState("");
  const [nip, setNip] = useState(user.nip ?? "");
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [user.username]);
  const patch = async (body: Record<string, unknown>, done: string): Promise<string> => {
    await call("PATCH", userPath(user), body);
    return done;
  };
  const run = (step: () => Promise<string>): void => void action.run(step).then((ok) => ok && onChanged());
  return (
    <section class="panel" aria-labelledby="edit-admin">
      <h2 id="edit-admin" ref={heading} tabIndex={-1}>
        Ubah {user.username}
      </h2>
      <ActionForm
        label="Ubah peran dan unit"
        action={action}
        submit={() => patch({ role, unit_ids: unitsFor(role, unitIds) }, "Peran dan unit disimpan.")}
        then={onChanged}
      >
        <Select label="Peran" value={role} onChange={(v) => setRole(v as Role)} options={ROLES} />
        {role !== "super_admin" ? <UnitPicker value={unitIds} onChange={setUnitIds} /> : null}
        {role === "auditor" ? <p class="hint">Auditor tanpa unit dapat membaca seluruh kabupaten.</p> : null}
        <Submit action={action}>Simpan Peran dan Unit</Submit>
      </ActionForm>
      <ActionForm
        label="Atur kata sandi baru"
        action={action}
        submit={async () => {
          const done = await patch({ password }, "Kata sandi baru disimpan; sampaikan kepada pemiliknya secara langsung.");
          setPassword("");
          return done;
        }}
        then={onChanged}
      >
        <Field label="Kata sandi baru" type="password" value={password} onInput={setPassword} autoComplete="new-password" required />
        <Submit action={action}>Atur Kata Sandi</Submit>
      </ActionForm>
      <ActionForm
        label="NIP admin sebagai pegawai"
        action={action}
        submit={() => patch({ nip: nip.trim() || null }, nip.trim() ? "NIP admin disimpan." : "NIP admin dihapus.")}
        then={onChanged}
      >
        <Field label="NIP sendiri (bila juga pegawai)" value={nip} onInput={setNip} inputMode="numeric" maxLength={18} />
        <p class="hint">{NIP_HINT} Kosongkan untuk menghapus.</p>
        <Submit action={action}>Simpan NIP</Submit>
      </ActionForm>
      <div class="buttons">
        <button type="button" class="secondary" disabled={action.busy} onClick={() => run(async () => {
          await call("POST", `${userPath(user)}/unlock`);
          return "Kunci login dibuka.";
        })}>
          Buka Kunci Login
        </button>
        {user.mfa_enabled ? (
          <ConfirmButton
            label="Matikan Verifikasi Dua Langkah"
            question="Untuk ponsel yang hilang: admin ini harus memasangnya lagi. Lanjutkan?"
            disabled={action.busy}
            onConfirm={() => run(() => patch({ mfa_enabled: false }, "Verifikasi dua langkah dimatikan."))}
          />
        ) : null}
        <button type="button" class="secondary" onClick={onClose}>
          Tutup
        </button>
      </div>
      <Outcome action={action} />
    </section>
  );
}

export function Users(_: { route: Route }) {
  const { session, unitName } = useConsole();
  const list = useLoad((signal) => call<{ items: AdminUser[] }>("GET", "/v1/admin/users", undefined, signal).then((a) => a.items), "users");
  const [form, setForm] = useState({ username: "", password: "", role: "unit_admin" as Role, unit_ids: [] as string[], nip: "" });
  const [editing, setEditing] = useState<string | null>(null);
  const action = useAction();
  const patch = (u: AdminUser, body: Record<string, unknown>, done: string): void =>
    void action
      .run(async () => {
        await call("PATCH", userPath(u), body);
        return done;
      })
      .then(list.reload);
  const edited = list.data?.find((u) => u.username === editing) ?? null;
  const columns: Column<AdminUser>[] = [
    { label: "Nama pengguna", cell: (u) => u.username, sort: (u) => u.username },
    { label: "Peran", cell: (u) => roleName(u.role), sort: (u) => u.role },
    { label: "Unit", cell: (u) => (u.unit_ids.length ? u.unit_ids.map(unitName).join(", ") : "Seluruh kabupaten") },
    { label: "NIP sendiri", cell: (u) => u.nip ?? "–", sort: (u) => u.nip ?? "" },
    { label: "Status", cell: (u) => (u.active ? "Aktif" : "Nonaktif"), sort: (u) => Number(u.active) },
    { label: "Dua langkah", cell: (u) => (u.mfa_enabled ? "Aktif" : "Belum"), sort: (u) => Number(u.mfa_enabled) },
    { label: "Login terakhir", cell: (u) => dateTime(u.last_login_at), sort: (u) => u.last_login_at ?? "" },
    {
      label: "Aksi",
      cell: (u) =>
        u.username === session.username ? null : (
          <div class="buttons">
            <button type="button" class="secondary" aria-label={`Ubah ${u.username}`} onClick={() => setEditing(u.username)}>
              Ubah
            </button>
            {u.active ? (
              <ConfirmButton label="Nonaktifkan" name={`Nonaktifkan ${u.username}`} question={`Nonaktifkan ${u.username}?`} onConfirm={() => patch(u, { active: false }, `${u.username} dinonaktifkan.`)} />
            ) : (
              <button type="button" class="secondary" onClick={() => patch(u, { active: true }, `${u.username} diaktifkan.`)}>
                Aktifkan
              </button>
            )}
          </div>
        ),
    },
  ];
  return (
    <Screen title="Pengguna Admin">
      <ErrorLine message={list.error} />
      <Table caption="Pengguna admin" rows={list.data ?? []} loading={list.loading} columns={columns} rowKey={(u) => u.username} />
      {edited ? <EditAdmin key={edited.username} user={edited} onChanged={list.reload} onClose={() => setEditing(null)} /> : null}
      <ActionForm
        class="panel"
        label="Tambah pengguna admin"
        action={action}
        submit={async () => {
          const { nip, ...rest } = form;
          await call("POST", "/v1/admin/users", { ...rest, unit_ids: unitsFor(form.role, form.unit_ids), ...(nip.trim() ? { nip: nip.trim() } : {}) });
          setForm({ username: "", password: "", role: "unit_admin", unit_ids: [], nip: "" });
          return `Pengguna ${form.username} dibuat.`;
        }}
        then={list.reload}
      >
        <h2>Tambah pengguna admin</h2>
        <Field label="Nama pengguna baru" value={form.username} onInput={(v) => setForm({ ...form, username: v })} required maxLength={40} />
        <Field label="Kata sandi awal" type="password" value={form.password} onInput={(v) => setForm({ ...form, password: v })} autoComplete="new-password" required />
        <Select label="Peran" value={form.role} onChange={(v) => setForm({ ...form, role: v as Role })} options={ROLES} />
        {form.role !== "super_admin" ? <UnitPicker value={form.unit_ids} onChange={(v) => setForm({ ...form, unit_ids: v })} /> : null}
        <Field label="NIP sendiri (bila juga pegawai)" value={form.nip} onInput={(v) => setForm({ ...form, nip: v })} inputMode="numeric" maxLength={18} />
        <p class="hint">{NIP_HINT}</p>
        <Submit action={action}>Buat Pengguna</Submit>
      </ActionForm>
      <Outcome action={action} />
    </Screen>
  );
}

function QrCode({ text, label }: { text: string; label: string }) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const cells: string[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) cells.push(`M${String(c + 4)} ${String(r + 4)}h1v1h-1z`);
  return (
    <svg class="qr" viewBox={`0 0 ${String(n + 8)} ${String(n + 8)}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width="100%" height="100%" fill="#fff" />
      <path d={cells.join("")} fill="#000" />
    </svg>
  );
}

/** A failed password change in this form's words: the API's INVALID_CREDENTIALS speaks of a login, and its
 * WEAK_PASSWORD does not say which of the two passwords it means. */
function passwordProblem(exc: unknown): unknown {
  if (!(exc instanceof ApiError)) return exc;
  if (exc.code === "INVALID_CREDENTIALS") return new UserMessage("Kata sandi lama salah.");
  if (exc.code === "WEAK_PASSWORD") return new UserMessage(`Kata sandi baru tidak dapat dipakai. ${exc.message}`);
  return exc;
}

/** "Ubah Kata Sandi": the admin's own password, with the current one (a super admin cannot set their own in
 * "Pengguna Admin"). Every other session of the account ends; this one goes on with the answer's token. */
function OwnPassword() {
  const [old, setOld] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const action = useAction();
  return (
    <section class="panel" aria-labelledby="own-password">
      <h2 id="own-password">Ubah Kata Sandi</h2>
      <ActionForm
        label="Ubah kata sandi"
        action={action}
        submit={async () => {
          if (next !== again) throw new UserMessage("Ulangan kata sandi baru tidak sama. Ketik ulang keduanya.");
          if (next === old) throw new UserMessage("Kata sandi baru harus berbeda dari kata sandi lama.");
          await changePassword(old, next).catch((exc: unknown) => {
            throw passwordProblem(exc);
          });
          setOld("");
          setNext("");
          setAgain("");
          return "Kata sandi diubah. Sesi lain akun ini (di komputer atau tab lain) sudah berakhir; login berikutnya memakai kata sandi baru.";
        }}
      >
        <p class="hint">Minimal 10 karakter, tidak mudah ditebak, dan tidak memuat nama pengguna atau NIP Anda.</p>
        <Field label="Kata sandi lama" type="password" value={old} onInput={setOld} autoComplete="current-password" maxLength={128} required />
        <Field label="Kata sandi baru" type="password" value={next} onInput={setNext} autoComplete="new-password" maxLength={128} required />
        <Field label="Ulangi kata sandi baru" type="password" value={again} onInput={setAgain} autoComplete="new-password" maxLength={128} required />
        <Submit action={action}>Simpan Kata Sandi</Submit>
      </ActionForm>
      <Outcome action={action} />
    </section>
  );
}

/** Two-factor login: "aktif" when the session says so; else the set-up (a 409 from it means it is on already,
 * set meanwhile in another session: the session then says so). */
function TwoFactor() {
  const { session } = useConsole();
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [otp, setOtp] = useState("");
  const action = useAction();
  const start = async (): Promise<null> => {
    try {
      setSetup(await call("POST", "/v1/admin/me/mfa"));
    } catch (exc) {
      if (!(exc instanceof ApiError && exc.status === 409 && exc.details["mfa_enabled"] === true)) throw exc;
      markMfaEnabled();
    }
    return null;
  };
  return (
    <section class="panel" aria-labelledby="two-factor">
      <h2 id="two-factor">Verifikasi dua langkah</h2>
      {session.mfaEnabled ? (
        <>
          <p>
            <strong>Verifikasi dua langkah aktif.</strong> Setiap login meminta Kode OTP 6 angka dari aplikasi autentikator di ponsel Anda.
          </p>
          <p class="hint">Bila ponsel itu hilang atau diganti, minta admin BKPSDM mematikan verifikasi dua langkah akun Anda, lalu pasang lagi di sini.</p>
        </>
      ) : (
        <>
          <p>Setelah aktif, setiap login meminta Kode OTP 6 angka dari aplikasi autentikator di ponsel Anda.</p>
          {!setup ? (
            <button type="button" disabled={action.busy} onClick={() => void action.run(start)}>
              Aktifkan Verifikasi Dua Langkah
            </button>
          ) : (
            <ActionForm
              label="Konfirmasi verifikasi dua langkah"
              action={action}
              submit={async () => {
                await call("POST", "/v1/admin/me/mfa/confirm", { otp: otp.trim() });
                setSetup(null);
                if (session.mfaSetup) await logOut();
                else markMfaEnabled();
                return "Verifikasi dua langkah berhasil dipasang.";
              }}
            >
              <QrCode text={setup.otpauth_uri} label="Kode QR untuk aplikasi autentikator" />
              <p>
                Pindai kode QR dengan aplikasi autentikator, atau ketik kunci ini: <code class="secret">{setup.secret}</code>
              </p>
              <Field label="Kode OTP" value={otp} onInput={setOtp} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required />
              <Submit action={action}>Konfirmasi</Submit>
            </ActionForm>
          )}
        </>
      )}
      <Outcome action={action} />
    </section>
  );
}

/** "Akun Saya". A super admin who must set up two-factor login first sees only that, and "Keluar" (the menu with
 * its own "Keluar" is not shown to them yet); their password waits until then (the API refuses every other call). */
export function Account(_: { route: Route }) {
  const { session } = useConsole();
  const leave = session.mfaSetup ? (
    <button type="button" class="secondary" onClick={() => void logOut()}>
      Keluar
    </button>
  ) : undefined;
  return (
    <Screen title="Akun Saya" actions={leave}>
      <p>
        Masuk sebagai <strong>{session.username}</strong> ({roleName(session.role)}).
      </p>
      <TwoFactor />
      {session.mfaSetup ? null : <OwnPassword />}
    </Screen>
  );
}
