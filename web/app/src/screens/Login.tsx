import { useState } from "preact/hooks";
import { navigate } from "../router";
import { logIn } from "../session";
import { Field, Form, Page, useSubmit } from "../ui";

export function Login({ notice }: { notice: string | null }) {
  const [nip, setNip] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useSubmit(async () => {
    await logIn(nip.trim(), password);
    navigate("/");
  }, notice);

  return (
    <Page title="Masuk">
      <Form action="Masuk" busy={busy} error={error} onSubmit={submit}>
        <Field id="nip" label="NIP" value={nip} onInput={setNip} inputMode="numeric" maxLength={18} autoComplete="username" />
        <Field
          id="sandi"
          label="Kata sandi"
          type="password"
          autoComplete="current-password"
          value={password}
          onInput={setPassword}
        />
      </Form>
      <p>
        Belum punya kata sandi? <a href="#/aktivasi">Aktivasi dengan kode dari admin</a>
      </p>
    </Page>
  );
}
