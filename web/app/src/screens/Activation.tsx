import { useState } from "preact/hooks";
import { messageOf } from "../../../shared/api";
import { navigate } from "../router";
import { activate } from "../session";
import { ErrorLine, Field, Page } from "../ui";

export function Activation({ params }: { params: URLSearchParams }) {
  const [nip, setNip] = useState(params.get("nip") ?? "");
  const [code, setCode] = useState(params.get("kode") ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await activate(nip.trim(), code.trim(), password);
      navigate("/");
    } catch (exc) {
      setError(messageOf(exc));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Aktivasi">
      <p>Masukkan NIP dan kode aktivasi dari kartu aktivasi, lalu buat kata sandi baru (minimal 10 karakter).</p>
      <form onSubmit={(e) => void submit(e)}>
        <Field id="nip" label="NIP" value={nip} onInput={setNip} inputMode="numeric" maxLength={18} />
        <Field id="kode" label="Kode aktivasi" value={code} onInput={setCode} />
        <Field
          id="sandi-baru"
          label="Kata sandi baru"
          type="password"
          autoComplete="new-password"
          value={password}
          onInput={setPassword}
        />
        <ErrorLine message={error} />
        <button type="submit" disabled={busy}>
          Aktifkan
        </button>
      </form>
      <p>
        Sudah aktif? <a href="#/masuk">Masuk</a>
      </p>
    </Page>
  );
}
