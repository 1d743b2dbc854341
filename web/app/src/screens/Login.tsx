import { useEffect, useState } from "preact/hooks";
import { homeAfterFlow } from "../router";
import { busyLabel } from "../../../shared/ui";
import { check, digitsOnly, loginProblems } from "../forms";
import { waitingOnPhone } from "../outbox";
import { logIn } from "../session";
import { Field, Form, Page, PasswordFields, useSubmit } from "../ui";

/** `onSignedIn`: where the login leads (Beranda, its address replacing the login's, unless main.App shows again
 * the screen kept under the login for the same employee). */
export function Login({ notice, onSignedIn = homeAfterFlow }: { notice: string | null; onSignedIn?: () => void }) {
  const [nip, setNip] = useState("");
  const [password, setPassword] = useState("");
  const [kept, setKept] = useState(0);
  useEffect(() => {
    void waitingOnPhone()
      .then((w) => {
        setKept(w.count);
        if (w.nip) setNip((typed) => typed || w.nip || "");
      })
      .catch(() => undefined); // no storage to read: nothing to say
  }, []);
  const { busy, error, invalid, submit } = useSubmit(async () => {
    check(...loginProblems(nip, password));
    await logIn(nip, password);
    onSignedIn(); // Back from Beranda does not show the login form to someone signed in (homeAfterFlow)
  }, notice);

  return (
    <Page title="Masuk">
      {kept ? (
        <div class="notice" role="note">
          <p>
            {kept} absen tersimpan di ponsel ini dan belum terkirim. Masuk kembali dengan akun yang mengambilnya agar
            absen itu terkirim sebelum terlalu lama.
          </p>
        </div>
      ) : null}
      <Form action={busyLabel(busy, "Masuk")} busy={busy} error={error} invalid={invalid} onSubmit={submit}>
        <Field id="nip" label="NIP" value={nip} onInput={setNip} clean={digitsOnly} inputMode="numeric" autoComplete="username" />
        <PasswordFields fields={[{ id: "sandi", label: "Kata sandi", autoComplete: "current-password", value: password, onInput: setPassword }]} />
      </Form>
      <p>
        Belum punya kata sandi? <a href="#/aktivasi">Aktivasi dengan kode dari admin</a>
      </p>
    </Page>
  );
}
