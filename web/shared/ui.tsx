// Building blocks both apps render the same way: the error line, labelled controls (the label is the control's
// accessible name, which help texts and the browser tests use), a table's column headers, loading an API answer
// and running a step that may fail, with the API's message.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "./api";
import { heldFor, type Keyed } from "./keyed";

/** The error line under a form or a list: always in the DOM (screen readers announce what appears in it). */
/** The browser tab's and the screen reader's name of the page: the screen's own title, then the app's name
 * (WCAG 2.4.2: every screen of a single-page app is a page of its own). */
export function usePageTitle(title: string, app: string): void {
  useEffect(() => {
    document.title = `${title} · ${app}`;
  }, [title, app]);
}

export function ErrorLine({ message }: { message: string | null }) {
  return (
    <p class="error" role="alert">
      {message ?? ""}
    </p>
  );
}

/** What a step that went through says, by the control that took it (where the person is looking: at the button
 * of a long form, at the top of a screen whose lists run far below), and brought into view. Always in the DOM,
 * empty until then: a status inserted together with its text is often not read out; a polite one, said once, never
 * taking the focus from the control. `filled`: its class once it says something (each app has its look). */
export function DoneLine({ message, filled }: { message: string | null; filled: string }) {
  const line = useRef<HTMLParagraphElement>(null);
  useLayoutEffect(() => {
    if (message) line.current?.scrollIntoView({ block: "nearest" });
  }, [message]);
  return (
    <p ref={line} class={message ? filled : "done-empty"} role="status">
      {message ?? ""}
    </p>
  );
}

/** A control under its label (`id` is the control's). */
export function Labelled({ id, label, children }: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

export interface InputProps {
  id: string;
  /** The form field's name (the app names its fields after their ids; the console leaves them unnamed). */
  name?: string | undefined;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "password" | "date" | "month" | "number" | "search" | "time";
  inputMode?: "numeric" | "text";
  autoComplete?: string;
  required: boolean;
  maxLength?: number;
  /** Rewrites what is typed or pasted before it is kept, the field showing the result at once (a NIP copied with
   * the spaces of a civil-service document keeps only its digits). */
  clean?: (value: string) => string;
}

export function LabelledInput(p: InputProps) {
  return (
    <Labelled id={p.id} label={p.label}>
      <input
        id={p.id}
        name={p.name}
        type={p.type ?? "text"}
        inputMode={p.inputMode ?? "text"}
        autoComplete={p.autoComplete ?? "off"}
        maxLength={p.maxLength}
        required={p.required}
        value={p.value}
        onInput={(e) => {
          const field = e.currentTarget;
          const value = p.clean ? p.clean(field.value) : field.value;
          // The field is set here too: when the cleaned value equals the kept one (a space typed into a NIP), no
          // render follows that would take the typed character out.
          if (value !== field.value) field.value = value;
          p.onInput(value);
        }}
      />
    </Labelled>
  );
}

/** "Tampilkan kata sandi": shows what was typed in a form's password fields (`controls`, their ids), for a cheap
 * phone's small keys. A toggle button (aria-pressed), its name the same whether pressed or not; tapped while one
 * of its fields is being typed in, the field keeps the focus (and the phone its keyboard open). A button, not a
 * checkbox: a label "Tampilkan kata sandi" would also answer to a field's label "Kata sandi". The form's fields
 * take `passwordType(shown)`. */
export function ShowPassword({ shown, onToggle, controls }: { shown: boolean; onToggle: (shown: boolean) => void; controls: readonly string[] }) {
  return (
    <button
      type="button"
      class="show-password"
      aria-pressed={shown}
      aria-controls={controls.join(" ")}
      onMouseDown={(e) => {
        if (controls.includes(document.activeElement?.id ?? "")) e.preventDefault();
      }}
      onClick={() => onToggle(!shown)}
    >
      Tampilkan kata sandi
    </button>
  );
}

export function passwordType(shown: boolean): "text" | "password" {
  return shown ? "text" : "password";
}

export interface SelectProps<T extends string> {
  id: string;
  name?: string | undefined;
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}

export function LabelledSelect<T extends string>(p: SelectProps<T>) {
  return (
    <Labelled id={p.id} label={p.label}>
      <select id={p.id} name={p.name} value={p.value} onChange={(e) => p.onChange(e.currentTarget.value as T)}>
        {p.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

/** A plain table's head: one column header per label. */
export function ColumnHeads({ labels }: { labels: readonly string[] }) {
  return (
    <thead>
      <tr>
        {labels.map((label) => (
          <th key={label} scope="col">
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** What a button says while its step runs (its own label otherwise): dimming alone is missed on a dim screen. */
export const BUSY_LABEL = "Memproses…";

export function busyLabel(busy: boolean, label: string): string {
  return busy ? BUSY_LABEL : label;
}

/** A step that cannot be undone: the first tap asks `question` (a line of its own, so a second tap on the same
 * spot lands on the question, not on "Ya"), "Ya, <label>" does it, `no` ("Batal") leaves things as they were.
 * While `busy` the button is disabled and says so. Focus goes to the question (read out as the group's name)
 * and back to the button afterwards. */
export function ConfirmButton(p: {
  label: string;
  /** The button's accessible name when a list repeats it row by row: starts with `label` and names the row's
   * subject ("Nonaktifkan budi"), so a screen reader's list of buttons tells the rows apart. */
  name?: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  busy?: boolean;
  no?: string;
}) {
  const [asking, setAsking] = useState(false);
  const group = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    (asking ? group.current : button.current)?.focus();
  }, [asking]);
  function ask(on: boolean): void {
    moved.current = true;
    setAsking(on);
  }
  const busy = p.busy ?? false;
  if (!asking)
    return (
      <button
        ref={button}
        type="button"
        class="secondary"
        aria-label={p.name}
        disabled={(p.disabled ?? false) || busy}
        aria-busy={busy || undefined}
        onClick={() => ask(true)}
      >
        {busyLabel(busy, p.label)}
      </button>
    );
  return (
    <span class="confirm" role="group" aria-label={p.question} tabIndex={-1} ref={group}>
      <span class="question">{p.question}</span>{" "}
      <button
        type="button"
        class="danger"
        onClick={() => {
          ask(false);
          p.onConfirm();
        }}
      >
        Ya, {p.label.toLowerCase()}
      </button>{" "}
      <button type="button" class="secondary" onClick={() => ask(false)}>
        {p.no ?? "Batal"}
      </button>
    </span>
  );
}

/** Runs a step, busy meanwhile; its failure kept as the API's message (`initial`: a message to start with). */
export function useRun(initial: string | null = null) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initial);
  async function run(step: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await step();
      return true;
    } catch (exc) {
      setError(messageOf(exc));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** The answer of `load` (re-run when `key` changes or on `reload`). The previous answer stays while the new one is
 * read (a table shows it dimmed and closed), and under its own key after a failed read again; another key's answer
 * goes once that key's read has failed (`heldFor`): another unit's, day's or status's rows never stay for good. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [held, setHeld] = useState<Keyed<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null); // the key of the last read that failed
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    loadRef
      .current(ctrl.signal)
      .then((d) => {
        setHeld({ key, data: d });
        setError(null);
        setFailed(null);
      })
      .catch((exc: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(messageOf(exc));
        setFailed(key);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: heldFor(held, key, failed), error, loading, reload };
}
