// Small building blocks of every screen: labelled fields (the label is the accessible name tests and help
// texts use; each field is named after its id), the error line, the page frame, a form's submission.
import { createContext, type ComponentChildren } from "preact";
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { UserMessage } from "../../shared/api";
import { endedBy, NOT_SENT } from "./kept";
import { token } from "./session";
import {
  ColumnHeads,
  ErrorLine,
  Labelled,
  LabelledInput,
  LabelledSelect,
  passwordType,
  ShowPassword,
  useLoad,
  useRun,
  type InputProps,
  type SelectProps,
} from "../../shared/ui";

type FieldProps = Omit<InputProps, "name" | "required"> & { required?: boolean };

/** A text field, required unless `required={false}`. */
export function Field(props: FieldProps) {
  return <LabelledInput {...props} name={props.id} required={props.required ?? true} />;
}

export { ColumnHeads, ErrorLine, useLoad };

/** A password field of a form: which of the browser's saved passwords it takes or offers to save. */
export interface PasswordInput {
  id: string;
  label: string;
  autoComplete: "current-password" | "new-password";
  value: string;
  onInput: (value: string) => void;
}

/** A form's password fields, then the one "Tampilkan kata sandi" that shows (and hides) them all together. */
export function PasswordFields({ fields }: { fields: readonly PasswordInput[] }) {
  const [shown, setShown] = useState(false);
  return (
    <>
      {fields.map((f) => (
        <Field key={f.id} {...f} type={passwordType(shown)} />
      ))}
      <ShowPassword shown={shown} onToggle={setShown} controls={fields.map((f) => f.id)} />
    </>
  );
}

/** Whether the screen is kept hidden under the login (main.App, kept.ts): its state stays, nothing of it shows. */
export const ScreenHidden = createContext(false);

/** Runs `again` when the screen kept under the login shows again (the same employee signed in): what it read in
 * the ended session (a read refused with that session's end) is read again. */
export function useShownAgain(again: () => void): void {
  const hidden = useContext(ScreenHidden);
  const was = useRef(hidden);
  const latest = useRef(again);
  latest.current = again;
  useEffect(() => {
    if (was.current && !hidden) latest.current();
    was.current = hidden;
  }, [hidden]);
}

export function Page({ title, back, children }: { title: string; back?: boolean; children: ComponentChildren }) {
  const hidden = useContext(ScreenHidden);
  // The browser tab's and the screen reader's name of the page (WCAG 2.4.2): the screen shown, never one kept
  // hidden under the login; named again when it shows again.
  useEffect(() => {
    if (!hidden) document.title = `${title} · SMART`;
  }, [title, hidden]);
  return (
    <main hidden={hidden}>
      <header class="bar">
        {back ? (
          <a class="back" href="#/">
            ‹ Beranda
          </a>
        ) : null}
        <span>SMART</span>
      </header>
      <section class="card">
        {/* focused by script on a change of screen (router.useFocusOnNewScreen) */}
        <h1 tabIndex={-1}>{title}</h1>
        {children}
      </section>
    </main>
  );
}

/** A form's submission: busy while `action` runs, the API's message shown when it fails. A submission that ended
 * its session (the login then shows over the screen, saying so) says it was not sent (`kept.NOT_SENT`), which is
 * what the employee reads when the same employee signs in again and the form shows again. */
export function useSubmit(action: () => Promise<void>, notice: string | null = null) {
  const { busy, error, run } = useRun(notice);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    const sentWith = token();
    await run(() =>
      action().catch((exc: unknown) => {
        throw endedBy(exc, sentWith, token()) ? new UserMessage(NOT_SENT) : exc;
      }),
    );
  }

  return { busy, error, submit };
}

/** A form with its fields, the error line and its one submit button (`action`, disabled while busy). The browser
 * checks nothing (`noValidate`): its bubbles speak the phone's language ("Please fill out this field." in an
 * English Chrome) and skip the error line; each form checks its own fields in Indonesian (forms.ts). Fields keep
 * `required`, which screen readers announce. */
export function Form(props: {
  action: string;
  busy: boolean;
  error: string | null;
  onSubmit: (e: Event) => Promise<void>;
  children: ComponentChildren;
}) {
  return (
    <form noValidate onSubmit={(e) => void props.onSubmit(e)}>
      {props.children}
      <ErrorLine message={props.error} />
      <button type="submit" disabled={props.busy}>
        {props.action}
      </button>
    </form>
  );
}

export function Select<T extends string>(props: Omit<SelectProps<T>, "name">) {
  return <LabelledSelect {...props} name={props.id} />;
}

export function TextArea(props: { id: string; label: string; value: string; onInput: (value: string) => void }) {
  return (
    <Labelled id={props.id} label={props.label}>
      <textarea
        id={props.id}
        name={props.id}
        rows={3}
        maxLength={500}
        required
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Labelled>
  );
}
