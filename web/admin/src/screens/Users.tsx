// "Pengguna Admin" (super admin: list, create, activate/deactivate, role and units) and "Akun Saya" (every
// admin: two-factor login set up from a QR code of the API's otpauth URI). Loaded on first use (the QR
// generator is not part of the first load).
import qrcode from "qrcode-generator";
import { useState } from "preact/hooks";
import { useConsole } from "../context";
import type { Route } from "../router";
import { call, logOut, type Role } from "../session";
import { ActionForm, ConfirmButton, dateTime, ErrorLine, Field, Labelled, Outcome, Screen, Select, Submit, Table, useAction, useLoad, type Column } from "../ui";

interface AdminUser {
  username: string;
  role: Role;
  unit_ids: string[];
  active: boolean;
  mfa_enabled: boolean;
  last_login_at: string | null;
}

const ROLES: [Role, string][] = [
  ["unit_admin", "Admin unit"],
  ["super_admin", "Admin BKPSDM"],
  ["auditor", "Auditor"],
];

function UnitPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const { units } = useConsole();
  return (
    <Labelled id="user-units" label="Unit (tahan Ctrl untuk memilih beberapa)">
      <select
        id="user-units"
        multiple
        size={6}
        onChange={(e) => onChange(Array.from(e.currentTarget.selectedOptions, (o) => o.value))}
      >
        {units.map((u) => (
          <option key={u.unor_id} value={u.unor_id} selected={value.includes(u.unor_id)}>
            {u.unor_nama}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

export function Users(_: { route: Route }) {
  const { session, unitName } = useConsole();
  const list = useLoad((signal) => call<{ items: AdminUser[] }>("GET", "/v1/admin/users", undefined, signal).then((a) => a.items), "users");
  const [form, setForm] = useState({ username: "", password: "", role: "unit_admin" as Role, unit_ids: [] as string[] });
  const action = useAction();
  const patch = (u: AdminUser, body: Record<string, unknown>, done: string): void =>
    void action
      .run(async () => {
        await call("PATCH", `/v1/admin/users/${encodeURIComponent(u.username)}`, body);
        return done;
      })
      .then(list.reload);
  const columns: Column<AdminUser>[] = [
    { label: "Nama pengguna", cell: (u) => u.username, sort: (u) => u.username },
    { label: "Peran", cell: (u) => ROLES.find((r) => r[0] === u.role)?.[1] ?? u.role, sort: (u) => u.role },
    { label: "Unit", cell: (u) => (u.unit_ids.length ? u.unit_ids.map(unitName).join(", ") : "Seluruh kabupaten") },
    { label: "Status", cell: (u) => (u.active ? "Aktif" : "Nonaktif"), sort: (u) => Number(u.active) },
    { label: "Dua langkah", cell: (u) => (u.mfa_enabled ? "Aktif" : "Belum"), sort: (u) => Number(u.mfa_enabled) },
    { label: "Login terakhir", cell: (u) => dateTime(u.last_login_at), sort: (u) => u.last_login_at ?? "" },
    {
      label: "Aksi",
      cell: (u) =>
        u.username === session.username ? null : u.active ? (
          <ConfirmButton label="Nonaktifkan" question={`Nonaktifkan ${u.username}?`} onConfirm={() => patch(u, { active: false }, `${u.username} dinonaktifkan.`)} />
        ) : (
          <button type="button" class="secondary" onClick={() => patch(u, { active: true }, `${u.username} diaktifkan.`)}>
            Aktifkan
          </button>
        ),
    },
  ];
  return (
    <Screen title="Pengguna Admin">
      <ErrorLine message={list.error} />
      <Table caption="Pengguna admin" rows={list.data ?? []} loading={list.loading} columns={columns} rowKey={(u) => u.username} />
      <ActionForm
        class="panel"
        label="Tambah pengguna admin"
        action={action}
        submit={async () => {
          // The unit picker is hidden for a super admin, but may still hold units picked before the role changed
          await call("POST", "/v1/admin/users", form.role === "super_admin" ? { ...form, unit_ids: [] } : form);
          setForm({ username: "", password: "", role: "unit_admin", unit_ids: [] });
          return `Pengguna ${form.username} dibuat.`;
        }}
        then={list.reload}
      >
        <h2>Tambah pengguna admin</h2>
        <Field label="Nama pengguna baru" value={form.username} onInput={(v) => setForm({ ...form, username: v })} required maxLength={40} />
        <Field label="Kata sandi awal" type="password" value={form.password} onInput={(v) => setForm({ ...form, password: v })} autoComplete="new-password" required />
        <Select label="Peran" value={form.role} onChange={(v) => setForm({ ...form, role: v as Role })} options={ROLES} />
        {form.role !== "super_admin" ? <UnitPicker value={form.unit_ids} onChange={(v) => setForm({ ...form, unit_ids: v })} /> : null}
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

export function Account(_: { route: Route }) {
  const { session } = useConsole();
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [otp, setOtp] = useState("");
  const action = useAction();
  return (
    <Screen title="Akun Saya">
      <p>
        Masuk sebagai <strong>{session.username}</strong>.
      </p>
      <section class="panel">
        <h2>Verifikasi dua langkah</h2>
        <p>Setelah aktif, setiap login meminta Kode OTP 6 angka dari aplikasi autentikator di ponsel Anda.</p>
        {!setup ? (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                setSetup(await call("POST", "/v1/admin/me/mfa"));
                return null;
              })
            }
          >
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
              return "Verifikasi dua langkah aktif.";
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
        <Outcome action={action} />
      </section>
    </Screen>
  );
}
