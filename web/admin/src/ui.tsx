// Building blocks of every console screen: labelled fields (the label is the accessible name), loading an
// API answer (or every page of a list), a table that pages and sorts in the browser (one page of rows in the
// DOM, so 7,000 employees never freeze the screen), a two-step button for changes that cannot be undone.
import type { ComponentChildren, JSX } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, messageOf, UserMessage } from "../../shared/api";
import {
  ColumnHeads,
  ConfirmButton,
  DoneLine as SaidLine,
  ErrorLine,
  Labelled,
  LabelledInput,
  LabelledSelect,
  useLoad,
  usePageTitle,
  useRun,
  type InputProps,
  type Loaded,
} from "../../shared/ui";
import { pagesUpTo, queryAt, type Page } from "../../shared/paging";
import { dayText } from "../../shared/months";
import { count } from "./format";
import { useHeadingAwaited } from "./router";
import { call, get, type Query } from "./session";

let fieldSeq = 0;
/** An id unique in the page, kept for the component's life (a label's `for`). */
export function useId(prefix: string): string {
  const ref = useRef<string | null>(null);
  if (ref.current === null) ref.current = `${prefix}-${String(++fieldSeq)}`;
  return ref.current;
}

/** A field with an id of its own, optional unless `required`. */
export function Field(p: Omit<InputProps, "id" | "name" | "required"> & { required?: boolean }) {
  const id = useId("f");
  return <LabelledInput {...p} id={id} required={p.required ?? false} />;
}

export function Select(p: { label: string; value: string; onChange: (value: string) => void; options: [string, string][] }) {
  const id = useId("s");
  return <LabelledSelect {...p} id={id} />;
}

// ConfirmButton (a change that cannot be undone: the first click asks, "Ya" does it) is shared with the app.
export { ColumnHeads, ConfirmButton, ErrorLine, Labelled, useLoad, useRun, type Loaded };

/** A success message; with `focusOn`, the message takes the focus each time `focusOn` changes while it shows
 * (what the admin acted on left the page: a decided request, the last review item), so that a keyboard goes on
 * from here rather than from the top of the page. */
export function Done({ message, focusOn }: { message: string | null; focusOn?: unknown }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focusOn !== undefined && focusOn !== null && message) ref.current?.focus();
  }, [focusOn]);
  return message ? (
    <p class="done" role="status" ref={ref} tabIndex={focusOn === undefined ? undefined : -1}>
      {message}
    </p>
  ) : null;
}

/** What a step says by the control that took it (shared `DoneLine`, in the console's look): present from the
 * start, empty until then, a polite status said once; the focus stays on the control. */
export function DoneLine({ message }: { message: string | null }) {
  return <SaidLine message={message} filled="done" />;
}

export function Screen({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  usePageTitle(title, "SMART Admin");
  useHeadingAwaited();
  return (
    <section class="screen">
      <div class="screen-head">
        {/* focused by script on a change of screen (router.useFocusOnNewScreen) */}
        <h1 tabIndex={-1}>{title}</h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

export type { Page };

/** The first pages of a list: `more` when the server had more items than were read. */
export interface Listing<T> {
  items: T[];
  more: boolean;
}

/** The reader of a list endpoint's page at a cursor (`pagesUpTo`'s `read`), `query` kept on every page; `seen` is
 * handed each page as read (what a page says besides its items). */
function pageReader<T, P extends Page<T> = Page<T>>(
  path: string,
  query: Query,
  signal: AbortSignal,
  seen?: (page: P) => void,
): (next: string | null) => Promise<Page<T>> {
  return async (next) => {
    const page = await get<P>(path, queryAt(query, next), signal);
    seen?.(page);
    return page;
  };
}

/** The pages of a list endpoint (`{items, next}`), followed until at least `limit` items are read; `seen` is
 * handed each page as read. */
export async function firstPages<T, P extends Page<T> = Page<T>>(
  path: string,
  query: Query,
  signal: AbortSignal,
  limit: number,
  seen?: (page: P) => void,
): Promise<Listing<T>> {
  const { items, next } = await pagesUpTo(pageReader<T, P>(path, query, signal, seen), limit);
  return { items, more: next !== null };
}

/** Beyond this many items a list is refused rather than shown cut short without a word. */
const LONGEST_LIST = 20000;

/** Every page of a list endpoint (`seen`: as `firstPages`); a list longer than any the console expects is an error
 * with what to do. */
export async function allPages<T, P extends Page<T> = Page<T>>(
  path: string,
  query: Query,
  signal: AbortSignal,
  seen?: (page: P) => void,
): Promise<T[]> {
  const listed = await firstPages<T, P>(path, query, signal, LONGEST_LIST, seen);
  if (listed.more) throw new UserMessage(`Daftar ini lebih dari ${count(LONGEST_LIST)} baris. Persempit saringan.`);
  return listed.items;
}

/** A list's count for its caption: "5.000+" when the server had more. */
export function countOf(listing: Listing<unknown> | null): string {
  return `${count(listing?.items.length ?? 0)}${listing?.more ? "+" : ""}`;
}

/** Says that a list shows only the items read so far (`what`: e.g. "entri pertama") and how to see the rest. */
export function MoreNotice(p: { listing: Listing<unknown> | null; what: string; rest: string }) {
  if (!p.listing?.more) return null;
  return (
    <p class="hint" role="status">
      Hanya {count(p.listing.items.length)} {p.what} yang ditampilkan; masih ada lagi. {p.rest}
    </p>
  );
}

export interface Streamed<T> {
  items: T[];
  done: boolean;
  error: string | null;
  reload: () => void;
}

/** Every page of a list endpoint, shown as it arrives: the first rows are on screen after the first page
 * (100 employees), while the rest of a large unit is still loading. */
export function usePages<T>(path: string | null, query: Query, key: string): Streamed<T> {
  const [items, setItems] = useState<T[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const args = useRef({ path, query });
  args.current = { path, query };
  useEffect(() => {
    const ctrl = new AbortController();
    const { path: at, query: q } = args.current;
    setItems([]);
    setDone(false);
    setError(null);
    if (at === null) {
      setDone(true);
      return () => ctrl.abort();
    }
    pagesUpTo(pageReader<T>(at, q, ctrl.signal), Infinity, (sofar) => setItems(sofar.items))
      .then(() => setDone(true))
      .catch((exc: unknown) => {
        if (!ctrl.signal.aborted) setError(messageOf(exc));
      });
    return () => ctrl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { items, done, error, reload };
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  sort?: (row: T) => string | number;
}

/** What an empty table says unless told otherwise. */
export const NO_ROWS = "Tidak ada data.";

/** Whether the screen is a phone's (the stylesheet's 800 px break: table rows become cards without heads). */
function useNarrow(): boolean {
  const query = "(max-width: 800px)";
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const changed = (): void => setNarrow(list.matches);
    list.addEventListener("change", changed);
    return () => list.removeEventListener("change", changed);
  }, []);
  return narrow;
}

/** A table of `rows`, `pageSize` at a time, sortable by any column with `sort` (on a phone, with a picker). */
export function Table<T>(p: {
  caption: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  pageSize?: number;
  empty?: string;
  /** The rows are being read (or read again): the table is `aria-busy`, and an empty one says so instead of `empty`. */
  loading?: boolean;
}) {
  const size = p.pageSize ?? 50;
  const [sortBy, setSortBy] = useState<number | null>(null);
  const [desc, setDesc] = useState(false);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    const col = sortBy === null ? undefined : p.columns[sortBy];
    if (!col?.sort) return p.rows;
    const key = col.sort;
    const out = [...p.rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return desc ? out.reverse() : out;
  }, [p.rows, p.columns, sortBy, desc]);
  const pages = Math.max(1, Math.ceil(sorted.length / size));
  const at = Math.min(page, pages - 1);
  const shown = sorted.slice(at * size, at * size + size);
  function sort(i: number): void {
    if (sortBy === i) setDesc(!desc);
    else {
      setSortBy(i);
      setDesc(false);
    }
    setPage(0);
  }
  const sortable = p.columns.flatMap((c, i) => (c.sort ? [[i, c.label] as const] : []));
  const narrow = useNarrow();
  return (
    <div class="table-wrap">
      {narrow && sortable.length && p.rows.length > 1 ? (
        // On a phone the rows are cards and the column heads are hidden: this picker sorts instead
        <label class="sort-narrow">
          Urutkan
          <select
            aria-label="Urutkan baris"
            value={sortBy === null ? "" : `${String(sortBy)}:${desc ? "desc" : "asc"}`}
            onChange={(e) => {
              const [col, dir] = e.currentTarget.value.split(":");
              setSortBy(col ? Number(col) : null);
              setDesc(dir === "desc");
              setPage(0);
            }}
          >
            <option value="">Urutan awal</option>
            {sortable.flatMap(([i, label]) => [
              <option key={`${String(i)}a`} value={`${String(i)}:asc`}>
                {label} (naik)
              </option>,
              <option key={`${String(i)}d`} value={`${String(i)}:desc`}>
                {label} (turun)
              </option>,
            ])}
          </select>
        </label>
      ) : null}
      <table aria-busy={p.loading || undefined}>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            {p.columns.map((c, i) => (
              <th
                key={c.label}
                scope="col"
                aria-sort={sortBy === i ? (desc ? "descending" : "ascending") : undefined}
              >
                {c.sort ? (
                  <button type="button" class="sort" onClick={() => sort(i)}>
                    {c.label}
                    {sortBy === i ? (desc ? " ▼" : " ▲") : ""}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={p.rowKey(row)}>
              {p.columns.map((c) => (
                <td key={c.label} data-label={c.label}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {shown.length === 0 ? (
            <tr>
              <td colSpan={p.columns.length}>{p.loading ? "Memuat…" : (p.empty ?? NO_ROWS)}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {pages > 1 ? (
        <nav class="pager" aria-label={`Halaman ${p.caption}`}>
          <button type="button" disabled={at === 0} onClick={() => setPage(at - 1)}>
            Sebelumnya
          </button>
          <span>
            Halaman {count(at + 1)} dari {count(pages)} ({count(sorted.length)} baris)
          </span>
          <button type="button" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>
            Berikutnya
          </button>
        </nav>
      ) : null}
    </div>
  );
}

/** Runs `action`, busy meanwhile; its failure as the API's message, its success as `done`. */
export function useAction() {
  const { busy, error, run: runStep } = useRun();
  const [done, setDone] = useState<string | null>(null);
  function run(action: () => Promise<string | null>): Promise<boolean> {
    setDone(null);
    return runStep(async () => setDone(await action()));
  }
  return { busy, error, done, run };
}

export type Decision = "approve" | "reject";

/** "Setujui" / "Tolak" with a note, optional on an approval and asked for on a rejection (the employee reads why):
 * POST `path` `{"decision", "note"?}` (reviews, requests), then `onDone` with the decision and the API's answer
 * (its `recapped` dates: `rejudged`). `children`: more fields, shown after the note; `approval`: what an approval
 * adds to the body from them (it may refuse with a UserMessage, shown like the API's); `approvalRefused`: why the
 * server would refuse an approval (Setujui is then disabled, the reason its tooltip; Tolak stays). A failure stays
 * here. `subject`: what is decided ("pengajuan Dewi Lestari (Izin, 3 Desember 2026)"), added to the buttons' names
 * after their words, so that a screen reader's list of buttons tells one row's from another's. */
export function DecisionForm(p: {
  path: string;
  subject: string;
  noteLabel: string;
  onDone: (decision: Decision, answer: unknown) => void;
  /** The item was decided by someone else meanwhile (409): the list it stands in is stale. */
  onTaken?: () => void;
  inline?: boolean;
  approval?: () => Record<string, unknown>;
  approvalRefused?: string | null;
  children?: ComponentChildren;
}) {
  const [note, setNote] = useState("");
  const action = useAction();
  const decide = (decision: Decision): void => {
    let answer: unknown = null;
    let taken = false;
    void action
      .run(async () => {
        if (decision === "reject" && !note.trim()) throw new UserMessage("Tulis alasan penolakan di catatan: pegawai akan membacanya.");
        const body: Record<string, unknown> = { decision, ...(decision === "approve" ? p.approval?.() : {}) };
        if (note.trim()) body["note"] = note.trim();
        answer = await call<unknown>("POST", p.path, body).catch((exc: unknown) => {
          taken = exc instanceof ApiError && exc.status === 409;
          throw exc;
        });
        return null;
      })
      .then((ok) => {
        if (ok) p.onDone(decision, answer);
        else if (taken) p.onTaken?.();
      });
  };
  return (
    <div class={p.inline ? "decide inline" : "decide"}>
      <Field label={p.noteLabel} value={note} onInput={setNote} maxLength={500} />
      {p.children}
      <ErrorLine message={action.error} />
      <div class="buttons">
        <button
          type="button"
          aria-label={`Setujui ${p.subject}`}
          disabled={action.busy || !!p.approvalRefused}
          title={p.approvalRefused ?? undefined}
          onClick={() => decide("approve")}
        >
          Setujui
        </button>
        <button type="button" class="danger" aria-label={`Tolak ${p.subject}`} disabled={action.busy} onClick={() => decide("reject")}>
          Tolak
        </button>
      </div>
    </div>
  );
}

export type Action = ReturnType<typeof useAction>;

/** What a change did to days already recapped (the recaps follow a leave, field duty, roster, holiday, Ramadan
 * period, cut-over or imported punches entered after the days), as sentences to add to its message: the answer's
 * `recapped` (dates judged again at once, written as people read them: "2 Desember 2026") and `recapping`
 * (unit-days judged again in the background); "" when neither. */
export function rejudged(answer: unknown): string {
  const a = typeof answer === "object" && answer !== null ? (answer as { recapped?: unknown; recapping?: unknown }) : {};
  const days = Array.isArray(a.recapped) ? a.recapped.filter((d): d is string => typeof d === "string") : [];
  const now = !days.length ? "" : days.length <= 3 ? ` Rekap tanggal ${days.map(dayText).join(", ")} dihitung ulang.` : ` Rekap ${count(days.length)} tanggal yang sudah lewat dihitung ulang.`;
  const later =
    typeof a.recapping === "number" && a.recapping > 0 ? ` Rekap ${count(a.recapping)} hari unit sedang dihitung ulang di latar belakang; hasilnya tampil dalam beberapa menit.` : "";
  return now + later;
}

function rowName(label: string, question: string): string {
  const first = question.split("?")[0] ?? "";
  return first.startsWith(label) ? first : label;
}

/** DELETE `path` after "Ya, …": cancels a leave or field duty, deletes a holiday or zone. Named by its question's
 * first sentence ("Batalkan sakit Dewi Lestari 3 Desember 2026 – 5 Desember 2026") when that starts with `label` and so names the row (an
 * accessible name holds the words shown: WCAG 2.5.3); else by `label`. */
export function DeleteButton(p: { label: string; question: string; path: string; done: string; action: Action; onDone: () => void }) {
  return (
    <ConfirmButton
      label={p.label}
      name={rowName(p.label, p.question)}
      question={p.question}
      onConfirm={() =>
        void p.action
          .run(async () => {
            return p.done + rejudged(await call<unknown>("DELETE", p.path));
          })
          .then(p.onDone)
      }
    />
  );
}

/** An action's outcome under its controls: the failure (the API's message) or the success, which takes the focus
 * with `focus` (the control that acted has left the page). */
export function Outcome({ action, focus }: { action: Action; focus?: boolean }) {
  return (
    <>
      <ErrorLine message={action.error} />
      <Done message={action.done} {...(focus ? { focusOn: action.done } : {})} />
    </>
  );
}

/** The "Aksi" column of a list whose rows an admin may delete or cancel: DELETE `path(row)`, then `onDone`. */
export function deleteColumn<T>(p: {
  label: string;
  question: (row: T) => string;
  path: (row: T) => string;
  done: string;
  action: Action;
  onDone: () => void;
}): Column<T> {
  return {
    label: "Aksi",
    cell: (row) => <DeleteButton label={p.label} question={p.question(row)} path={p.path(row)} done={p.done} action={p.action} onDone={p.onDone} />,
  };
}

export function Form(p: {
  onSubmit: () => void;
  children: ComponentChildren;
  label?: string;
} & Omit<JSX.HTMLAttributes<HTMLFormElement>, "onSubmit">) {
  const { onSubmit, children, label, ...rest } = p;
  return (
    <form
      {...rest}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A form that runs `submit` through `action` (busy meanwhile, its outcome in `action`), then `then` if it worked. */
export function ActionForm(p: {
  label: string;
  action: Action;
  submit: () => Promise<string | null>;
  then?: (() => void) | undefined;
  children: ComponentChildren;
} & Omit<JSX.HTMLAttributes<HTMLFormElement>, "onSubmit" | "action">) {
  const { action, submit, then, ...form } = p;
  return <Form {...form} onSubmit={() => void action.run(submit).then((ok) => ok && then?.())} />;
}

/** A form's submit button, disabled while its action runs (and when `disabled`). */
export function Submit({ action, disabled, children }: { action: Action; disabled?: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" disabled={action.busy || (disabled ?? false)}>
      {children}
    </button>
  );
}

/** A "Dari"–"Sampai" filter being typed: refused here (nothing is asked of the API) while it is backwards. */
export function checkRange(from: string, to: string): Promise<void> {
  return from && to && from > to ? Promise.reject(new UserMessage("Tanggal 'Dari' harus sebelum atau sama dengan 'Sampai'.")) : Promise.resolve();
}
