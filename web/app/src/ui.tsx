// Small building blocks of every screen: labelled fields (the label is the accessible name tests and help
// texts use), the error line, the page frame, a form's submission.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { messageOf } from "../../shared/api";

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "password";
  inputMode?: "numeric" | "text";
  autoComplete?: string;
  maxLength?: number;
}

export function Field(props: FieldProps) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        inputMode={props.inputMode ?? "text"}
        autoComplete={props.autoComplete ?? "off"}
        maxLength={props.maxLength}
        required
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}

export function ErrorLine({ message }: { message: string | null }) {
  return (
    <p class="error" role="alert">
      {message ?? ""}
    </p>
  );
}

export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <main>
      <header class="bar">SMART</header>
      <section class="card">
        <h1>{title}</h1>
        {children}
      </section>
    </main>
  );
}

/** A form's submission: busy while `action` runs, the API's message shown when it fails. */
export function useSubmit(action: () => Promise<void>, notice: string | null = null) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (exc) {
      setError(messageOf(exc));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, submit };
}

/** A form with its fields, the error line and its one submit button (`action`, disabled while busy). */
export function Form(props: {
  action: string;
  busy: boolean;
  error: string | null;
  onSubmit: (e: Event) => Promise<void>;
  children: ComponentChildren;
}) {
  return (
    <form onSubmit={(e) => void props.onSubmit(e)}>
      {props.children}
      <ErrorLine message={props.error} />
      <button type="submit" disabled={props.busy}>
        {props.action}
      </button>
    </form>
  );
}
