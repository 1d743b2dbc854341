// Small building blocks of every screen: labelled fields (the label is the accessible name tests and help
// texts use), the error line, the page frame.
import type { ComponentChildren } from "preact";

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
