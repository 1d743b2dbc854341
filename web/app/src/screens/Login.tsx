import { useState } from "preact/hooks";
import { messageOf } from "../../../shared/api";
import { navigate } from "../router";
import { logIn } from "../session";
import { ErrorLine, Field, Page } from "../ui";

export function Login({ notice }: { notice: string | null }) {
  const [nip, setNip] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await logIn(nip.trim(), password);
      navigate("/");
    } catch (exc) {
      setError(messageOf(exc));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Masuk">
      <form onSubmit={(e) => void submit(e)}>
        <Field id="nip" label="NIP" value={nip} onInput={setNip} inputMode="numeric" maxLength={18} autoComplete="username" />
        <Field
          id="sandi"
          label="Kata sandi"
          type="password"
          autoComplete="current-password"
          value={password}
          onInput={setPassword}
        />
        <ErrorLine message={error} />
        <button type="submit" disabled={busy}>
          Masuk
        </button>
      </form>
      <p>
        Belum punya kata sandi? <a href="#/aktivasi">Aktivasi dengan kode dari admin</a>
      </p>
    </Page>
  );
}
