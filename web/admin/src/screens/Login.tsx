// "Masuk": user name and password; when the account has two-factor login the API refuses without an OTP
// (401), and the "Kode OTP" field appears for the second try. After a session ended by itself (`again`: its admin)
// it stands over that session's screens as a dialog, the user name filled in and the password field focused.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../../shared/api";
import { logIn } from "../session";
import { ErrorLine, Field, Form, useRun } from "../ui";

export function Login({ notice, again = null }: { notice: string | null; again?: string | null }) {
  const [username, setUsername] = useState(again ?? "");
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    if (again) card.current?.querySelector<HTMLInputElement>("input[type=password]")?.focus();
  }, []);
  const [password, setPassword] = useState("");
  const [otp, setOtp] = useState("");
  const [askOtp, setAskOtp] = useState(false);
  const { busy, error, run } = useRun(notice);

  const submit = (): Promise<boolean> =>
    run(async () => {
      try {
        await logIn(username.trim(), password, askOtp ? otp.trim() : null);
      } catch (exc) {
        // The password was right and the account has two-factor login: ask for the code (the API's message).
        if (exc instanceof ApiError && exc.status === 401 && exc.details["otp"] === "required") setAskOtp(true);
        throw exc;
      }
    });

  const form = (
    <section class="card" ref={card}>
      <p class="brand">SMART</p>
      <h1 id="login-title">Konsol Admin</h1>
      <Form onSubmit={() => void submit()} label="Masuk">
        <Field label="Nama pengguna" value={username} onInput={setUsername} autoComplete="username" required />
        <Field label="Kata sandi" type="password" value={password} onInput={setPassword} autoComplete="current-password" required />
        {askOtp ? (
          <Field label="Kode OTP" value={otp} onInput={setOtp} inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
        ) : null}
        <ErrorLine message={error} />
        <button type="submit" disabled={busy}>
          Masuk
        </button>
      </Form>
    </section>
  );
  return again ? (
    <div class="login over" role="dialog" aria-modal="true" aria-labelledby="login-title">
      {form}
    </div>
  ) : (
    <main class="login">{form}</main>
  );
}
