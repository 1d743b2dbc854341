import { useState } from "preact/hooks";
import { chromeActivationLink, notChrome } from "../browser";
import { homeAfterFlow } from "../router";
import { busyLabel } from "../../../shared/ui";
import { activationProblems, check, CODE_DIGITS, digitsOnly } from "../forms";
import { activate } from "../session";
import { Field, Form, Page, PasswordFields, useSubmit } from "../ui";

export function Activation({ params }: { params: URLSearchParams }) {
  const [nip, setNip] = useState(digitsOnly(params.get("nip") ?? ""));
  const [code, setCode] = useState(digitsOnly(params.get("kode") ?? ""));
  const [password, setPassword] = useState("");
  const { busy, error, invalid, submit } = useSubmit(async () => {
    check(...activationProblems(nip, code, password));
    await activate(nip, code, password);
    homeAfterFlow(); // Back from Beranda does not show the form of a code already used
  });

  return (
    <Page title="Aktivasi">
      <OpenInChrome nip={nip} code={code} />
      <p>Masukkan NIP dan kode aktivasi ({CODE_DIGITS} angka) dari kartu aktivasi, lalu buat kata sandi baru (minimal 10 karakter).</p>
      <Form action={busyLabel(busy, "Aktifkan")} busy={busy} error={error} invalid={invalid} onSubmit={submit}>
        <Field id="nip" label="NIP" value={nip} onInput={setNip} clean={digitsOnly} inputMode="numeric" autoComplete="username" />
        <Field id="kode" label="Kode aktivasi" value={code} onInput={setCode} clean={digitsOnly} inputMode="numeric" />
        <PasswordFields fields={[{ id: "sandi-baru", label: "Kata sandi baru", autoComplete: "new-password", value: password, onInput: setPassword }]} />
      </Form>
      <p>
        Sudah aktif? <a href="#/masuk">Masuk</a>
      </p>
    </Page>
  );
}

/** Before the form, in any Android browser but Chrome: the phone is bound to the browser it is activated in, so
 * SMART belongs in Chrome (where it is installed and where the panduan's later steps are). One tap opens this
 * page there with what is filled in; activating here stays possible (a phone without Chrome). */
function OpenInChrome({ nip, code }: { nip: string; code: string }) {
  const browser = notChrome(navigator.userAgent);
  if (browser === null) return null;
  return (
    <div class="notice" role="note">
      <p class="answer-title">Buka SMART di Google Chrome</p>
      <p>
        Anda membuka halaman ini di {browser || "browser lain"}, bukan Chrome. Ponsel terdaftar pada browser tempat
        Anda melakukan aktivasi: jika nanti SMART dibuka di Chrome, masuk akan ditolak dan perlu reset oleh admin.
      </p>
      <p>Aktifkan dan pasang SMART di Chrome:</p>
      <a class="button" href={chromeActivationLink(location.href, nip, code)}>
        Buka di Chrome
      </a>
      <p class="muted">Tidak ada Chrome di ponsel ini? Lanjutkan aktivasi di sini dan selalu buka SMART di browser ini.</p>
    </div>
  );
}
