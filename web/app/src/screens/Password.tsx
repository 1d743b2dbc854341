import { useState } from "preact/hooks";
import { call } from "../session";
import { Field, Form, Page, useSubmit } from "../ui";

/** "Ubah Kata Sandi": every other session of the account ends (API.md); this phone stays signed in. */
export function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    setDone(false);
    await call<unknown>("POST", "/v1/me/password", { current_password: current, new_password: next });
    setCurrent("");
    setNext("");
    setDone(true);
  });

  return (
    <Page title="Ubah Kata Sandi" back>
      <p>Kata sandi baru minimal 10 karakter, tidak mudah ditebak, dan tidak memuat NIP.</p>
      {done ? (
        <p class="answer accepted" role="status">
          Kata sandi berhasil diubah.
        </p>
      ) : null}
      <Form action="Simpan Kata Sandi" busy={busy} error={error} onSubmit={submit}>
        <Field id="sandi-lama" label="Kata sandi lama" type="password" autoComplete="current-password" value={current} onInput={setCurrent} />
        <Field id="sandi-baru" label="Kata sandi baru" type="password" autoComplete="new-password" value={next} onInput={setNext} />
      </Form>
    </Page>
  );
}
