import { useState } from "preact/hooks";
import { busyLabel } from "../../../shared/ui";
import { check, passwordChangeProblems, reworded } from "../forms";
import { changePassword } from "../session";
import { Form, Page, PasswordFields, useSubmit } from "../ui";

/** "Ubah Kata Sandi": every other session of the account ends (API.md); this phone stays signed in. A wrong "Kata
 * sandi lama" is told in this screen's words (the API's INVALID_CREDENTIALS speaks of a login), the session going
 * on. */
export function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, invalid, submit } = useSubmit(async () => {
    setDone(false);
    check(...passwordChangeProblems(current, next));
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
      <Form
        action={busyLabel(busy, "Simpan Kata Sandi")}
        busy={busy}
        error={error}
        invalid={invalid}
        done={done ? "Kata sandi berhasil diubah." : null}
        onSubmit={submit}
      >
        <PasswordFields
          fields={[
            { id: "sandi-lama", label: "Kata sandi lama", autoComplete: "current-password", value: current, onInput: setCurrent },
            { id: "sandi-baru", label: "Kata sandi baru", autoComplete: "new-password", value: next, onInput: setNext },
          ]}
        />
      </Form>
    </Page>
  );
}
