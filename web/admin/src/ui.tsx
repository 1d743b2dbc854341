// Building blocks of every console screen: labelled fields (the label is the accessible name), loading an
// API answer (or every page of a list), a table that pages and sorts in the browser (one page of rows in the
// DOM, so 7,000 employees never freeze the screen), a two-step button for changes that cannot be undone.
import type { ComponentChildren, JSX } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { messageOf } from "../../shared/api";
import { ErrorLine } from "../../shared/ui";
import { call, get, type Query } from "./session";

let fieldSeq = 0;
function useId(prefix: string): string {
  const ref = useRef<string | null>(null);
  if (ref.current === null) ref.current = `${prefix}-${String(++fieldSeq)}`;
  return ref.current;
}

interface FieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "password" | "date" | "month" | "number" | "search" | "time";
  inputMode?: "numeric" | "text";
  autoComplete?: string;
  required?: boolean;
  maxLength?: number;
}

export function Field(p: FieldProps) {
  const id = useId("f");
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <input
        id={id}
        type={p.type ?? "text"}
        inputMode={p.inputMode ?? "text"}
        autoComplete={p.autoComplete ?? "off"}
        required={p.required ?? false}
        maxLength={p.maxLength}
        value={p.value}
        onInput={(e) => p.onInput(e.currentTarget.value)}
      />
    </div>
  );
}

export function Select(p: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: [string, string][];
}) {
  const id = useId("s");
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <select id={id} value={p.value} onChange={(e) => p.onChange(e.currentTarget.value)}>
        {p.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export { ErrorLine };

export function Done({ message }: { message: string | null }) {
  return message ? (
    <p class="done" role="status">
      {message}
    </p>
  ) : null;
}

export function Screen({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · SMART Admin`;
  }, [title]);
  return (
    <section class="screen">
      <div class="screen-head">
        <h1>{title}</h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** The answer of `load` (re-run when `key` changes or on `reload`); the previous answer stays while loading. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
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
        setData(d);
        setError(null);
      })
      .catch((exc: unknown) => {
        if (!ctrl.signal.aborted) setError(messageOf(exc));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Every page of a list endpoint (`{items, next}`), followed up to `limit` items. */
export async function allPages<T>(path: string, query: Query, signal: AbortSignal, limit = 20000): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = null;
  do {
    const page: Page<T> = await get<Page<T>>(path, next ? { ...query, next } : query, signal);
    items.push(...page.items);
    next = page.next;
  } while (next && items.length < limit);
  return items;
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
    void (async () => {
      let all: T[] = [];
      let next: string | null = null;
      try {
        do {
          const page: Page<T> = await get<Page<T>>(at, next ? { ...q, next } : q, ctrl.signal);
          all = all.concat(page.items);
          setItems(all);
          next = page.next;
        } while (next);
        setDone(true);
      } catch (exc) {
        if (!ctrl.signal.aborted) setError(messageOf(exc));
      }
    })();
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

/** A table of `rows`, `pageSize` at a time, sortable by any column with `sort`. */
export function Table<T>(p: {
  caption: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  pageSize?: number;
  empty?: string;
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
  return (
    <div class="table-wrap">
      <table>
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
              <td colSpan={p.columns.length}>{p.empty ?? "Tidak ada data."}</td>
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
            Halaman {at + 1} dari {pages} ({sorted.length} baris)
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(action: () => Promise<string | null>): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await action());
      return true;
    } catch (exc) {
      setError(messageOf(exc));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run };
}

/** "Setujui" / "Tolak" with an optional note: POST `path` `{"decision", "note"?}` (reviews, requests). */
export function DecisionForm(p: { path: string; noteLabel: string; onDone: () => void; inline?: boolean }) {
  const [note, setNote] = useState("");
  const action = useAction();
  const decide = (decision: "approve" | "reject"): void =>
    void action
      .run(async () => {
        const body: Record<string, string> = { decision };
        if (note.trim()) body["note"] = note.trim();
        await call("POST", p.path, body);
        return null;
      })
      .then((ok) => ok && p.onDone());
  return (
    <div class={p.inline ? "decide inline" : "decide"}>
      <Field label={p.noteLabel} value={note} onInput={setNote} maxLength={500} />
      <ErrorLine message={action.error} />
      <div class="buttons">
        <button type="button" disabled={action.busy} onClick={() => decide("approve")}>
          Setujui
        </button>
        <button type="button" class="danger" disabled={action.busy} onClick={() => decide("reject")}>
          Tolak
        </button>
      </div>
    </div>
  );
}

/** A change that cannot be undone: the first click asks, "Ya" does it. */
export function ConfirmButton(p: { label: string; question: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" class="secondary" disabled={p.disabled ?? false} onClick={() => setAsking(true)}>
        {p.label}
      </button>
    );
  return (
    <span class="confirm">
      {p.question}{" "}
      <button
        type="button"
        class="danger"
        onClick={() => {
          setAsking(false);
          p.onConfirm();
        }}
      >
        Ya, {p.label.toLowerCase()}
      </button>{" "}
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Batal
      </button>
    </span>
  );
}

export type Action = ReturnType<typeof useAction>;

/** DELETE `path` after "Ya, …": cancels a leave or field duty, deletes a holiday or zone. */
export function DeleteButton(p: { label: string; question: string; path: string; done: string; action: Action; onDone: () => void }) {
  return (
    <ConfirmButton
      label={p.label}
      question={p.question}
      onConfirm={() =>
        void p.action
          .run(async () => {
            await call("DELETE", p.path);
            return p.done;
          })
          .then(p.onDone)
      }
    />
  );
}

/** An action's outcome under its controls: the failure (the API's message) or the success. */
export function Outcome({ action }: { action: Action }) {
  return (
    <>
      <ErrorLine message={action.error} />
      <Done message={action.done} />
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

const TIME = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
const DATETIME = new Intl.DateTimeFormat("id-ID", {
  day: "2-digit",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Asia/Jakarta",
});

export const time = (iso: string | null | undefined): string => (iso ? TIME.format(new Date(iso)) : "–");
export const dateTime = (iso: string | null | undefined): string => (iso ? DATETIME.format(new Date(iso)) : "–");

/** Today in the regency's zone (Asia/Jakarta), YYYY-MM-DD. */
export function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" }).format(new Date());
}
