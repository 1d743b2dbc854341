// Small building blocks of every screen: labelled fields (the label is the accessible name tests and help
// texts use; each field is named after its id), the error line, the page frame, a form's submission.
import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { UserMessage } from "../../shared/api";
import { FieldMessage } from "./forms";
import { endedBy, NOT_SENT } from "./kept";
import { token } from "./session";
import {
  ColumnHeads,
  DoneLine as SaidLine,
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

/** The field a form's own check refused (forms.check): a new value at each refusal, so a second tap on the same
 * problem focuses the field again. */
export interface Invalid {
  field: string;
}

/** A form's submission: busy while `action` runs, the API's message shown when it fails; a problem of the form's
 * own check names its field too (`invalid`, for `Form`). A submission that ended its session (the login then
 * shows over the screen, saying so) says it was not sent (`kept.NOT_SENT`), which is what the employee reads when
 * the same employee signs in again and the form shows again. */
export function useSubmit(action: () => Promise<void>, notice: string | null = null) {
  const { busy, error, run } = useRun(notice);
  const [invalid, setInvalid] = useState<Invalid | null>(null);
  // On its way: a second submission before the screen shows it busy (its button stays usable: `Form`) is ignored.
  const sending = useRef(false);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setInvalid(null);
    const sentWith = token();
    try {
      await run(() =>
        action().catch((exc: unknown) => {
          if (exc instanceof FieldMessage) setInvalid({ field: exc.field });
          throw endedBy(exc, sentWith, token()) ? new UserMessage(NOT_SENT) : exc;
        }),
      );
    } finally {
      sending.current = false;
    }
  }

  return { busy, error, invalid, submit };
}

/** The form's error line. The field its own check refused (`invalid`) is marked invalid, described by the line,
 * and takes the focus: a screen reader reads the field with its problem, and the keyboard opens on it (the
 * button tapped has nothing to say). The mark goes with the next submission. */
function FormError({ message, invalid }: { message: string | null; invalid: Invalid | null }) {
  const id = useId();
  const line = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const field = invalid ? line.current?.closest("form")?.elements.namedItem(invalid.field) : null;
    if (!(field instanceof HTMLElement)) return undefined;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", id);
    field.focus();
    return () => {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    };
  }, [invalid]);
  return (
    <div id={id} ref={line}>
      <ErrorLine message={message} />
    </div>
  );
}

/** What a step that went through says, by the button that took it (the phone is scrolled there, not at the top of
 * a long form), and brought into view (shared `DoneLine`, in the app's look). */
export function DoneLine({ message }: { message: string | null }) {
  return <SaidLine message={message} filled="answer review" />;
}

/** A form with its fields, the error line and its one submit button (`action`), then what a submission that went
 * through says (`done`). While busy the button is `aria-disabled`, not `disabled`, and a submission meanwhile
 * (the button again, Enter in a field) is ignored: a disabled button loses the focus, which fell to the page (a
 * screen reader's next swipe and a keyboard's next Tab started again at the top, and what the form then said was
 * far from where the employee was); it stays on the button, which says "Memproses…" and then its own words again.
 * The browser checks nothing (`noValidate`): its bubbles speak the phone's language ("Please fill out this
 * field." in an English Chrome) and skip the error line; each form checks its own fields in Indonesian (forms.ts),
 * the field refused marked (`invalid`, from `useSubmit`). Fields keep `required`, which screen readers announce. */
export function Form(props: {
  action: string;
  busy: boolean;
  error: string | null;
  invalid?: Invalid | null;
  done?: string | null;
  onSubmit: (e: Event) => Promise<void>;
  children: ComponentChildren;
}) {
  return (
    <form
      noValidate
      onSubmit={(e) => {
        if (props.busy) e.preventDefault(); // already on its way: sent once
        else void props.onSubmit(e);
      }}
    >
      {props.children}
      <FormError message={props.error} invalid={props.invalid ?? null} />
      <button type="submit" aria-disabled={props.busy || undefined}>
        {props.action}
      </button>
      {props.done === undefined ? null : <DoneLine message={props.done} />}
    </form>
  );
}

/** Where the focus goes when a tap changes a part of the screen in place and the control tapped goes with it (the
 * route stays, so router.useFocusOnNewScreen does not run; the focus would fall to the page: Tab starts again at
 * the top, and a screen reader says nothing of what came). The tap calls `tapped`; once what the part shows
 * (`shown`) has changed, the focus moves to the element given `lead` as its ref (a control, or a title focusable
 * by script: tabIndex -1), or, with `orHeading`, to the screen's heading when none is shown. A change nobody
 * tapped for (a capture delivered meanwhile, the letter's photo cleared once the request is sent) moves nothing. */
export function useFocusAfterTap(shown: unknown, orHeading = false): { lead: (element: HTMLElement | null) => void; tapped: () => void } {
  const armed = useRef(false);
  const target = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (!armed.current) return;
    const to = target.current?.isConnected ? target.current : orHeading ? document.querySelector<HTMLElement>("main:not([hidden]) h1") : null;
    if (!to) return; // its element comes with a later change (a message shown once the answer is in)
    armed.current = false;
    to.focus();
  }, [shown]);
  const lead = useCallback((element: HTMLElement | null) => {
    if (element) target.current = element;
  }, []);
  const tapped = useCallback(() => {
    armed.current = true;
  }, []);
  return { lead, tapped };
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
