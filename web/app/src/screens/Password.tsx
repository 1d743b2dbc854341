import { useState } from "preact/hooks";
import { busyLabel, passwordType, ShowPassword } from "../../../shared/ui";
import { reworded } from "../forms";
import { changePassword } from "../session";
import { Field, Form, Page, useSubmit } from "../ui";

/** "Ubah Kata Sandi": every other session of the account ends (API.md); this phone stays signed in. A wrong "Kata
 * sandi lama" is told in this screen's words (the API's INVALID_CREDENTIALS speaks of a login), the session going
 * on. */
export function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [shown, setShown] = useState(false);
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    setDone(false);
    await changePassword(current, next).catch((exc: unknown) => {
      throw reworded(exc, "INVALID_CREDENTIALS", "Kata sandi lama salah.");
    });
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
      <Form action={busyLabel(busy, "Simpan Kata Sandi")} busy={busy} error={error} onSubmit={submit}>
        <Field id="sandi-lama" label="Kata sandi lama" type={passwordType(shown)} autoComplete="current-password" value={current} onInput={setCurrent} />
        <Field id="sandi-baru" label="Kata sandi baru" type={passwordType(shown)} autoComplete="new-password" value={next} onInput={setNext} />
        <ShowPassword shown={shown} onToggle={setShown} controls={["sandi-lama", "sandi-baru"]} />
      </Form>
    </Page>
  );
}
