import { useState } from "preact/hooks";
import { navigate } from "../router";
import { activate } from "../session";
import { Field, Form, Page, useSubmit } from "../ui";

export function Activation({ params }: { params: URLSearchParams }) {
  const [nip, setNip] = useState(params.get("nip") ?? "");
  const [code, setCode] = useState(params.get("kode") ?? "");
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useSubmit(async () => {
    await activate(nip.trim(), code.trim(), password);
    navigate("/");
  });

  return (
    <Page title="Aktivasi">
      <p>Masukkan NIP dan kode aktivasi dari kartu aktivasi, lalu buat kata sandi baru (minimal 10 karakter).</p>
      <Form action="Aktifkan" busy={busy} error={error} onSubmit={submit}>
        <Field id="nip" label="NIP" value={nip} onInput={setNip} inputMode="numeric" maxLength={18} />
        <Field id="kode" label="Kode aktivasi" value={code} onInput={setCode} inputMode="numeric" maxLength={8} />
        <Field
          id="sandi-baru"
          label="Kata sandi baru"
          type="password"
          autoComplete="new-password"
          value={password}
          onInput={setPassword}
        />
      </Form>
      <p>
        Sudah aktif? <a href="#/masuk">Masuk</a>
      </p>
    </Page>
  );
}
