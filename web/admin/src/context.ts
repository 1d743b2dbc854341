// What every screen of a signed-in admin knows: the session (role) and the units the caller may see (the API
// answers GET /v1/admin/units within the caller's scope), loaded once by the shell.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./session";
import type { Unit } from "./types";

export interface Console {
  session: Session;
  /** By name (`byName`): every dropdown, list and first choice of a unit follows the names, not the database's ids. */
  units: Unit[];
  unitName: (unorId: string) => string;
  reloadUnits: () => void;
}

export const ConsoleContext = createContext<Console | null>(null);

// Indonesian collation; numeric, so that "SD Negeri 2 …" comes before "SD Negeri 10 …".
const COLLATOR = new Intl.Collator("id", { numeric: true, sensitivity: "base" });

/** Units by name (ties by id, so the order never depends on how the API listed them). */
export function byName<U extends { unor_id: string; unor_nama: string }>(units: readonly U[]): U[] {
  return [...units].sort((a, b) => COLLATOR.compare(a.unor_nama, b.unor_nama) || (a.unor_id < b.unor_id ? -1 : a.unor_id > b.unor_id ? 1 : 0));
}

// The shell's value with its units by name, made once per value (screens get the same object on every render).
const sorted = new WeakMap<Console, Console>();

export function useConsole(): Console {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error("useConsole outside the shell");
  let value = sorted.get(c);
  if (!value) {
    value = { ...c, units: byName(c.units) };
    sorted.set(c, value);
  }
  return value;
}

/** A unit dropdown's options, by name; `all`: the first option's text for "every unit" (value ""). */
export function unitOptions(units: Unit[], all: string | null): [string, string][] {
  const options: [string, string][] = byName(units).map((u) => [u.unor_id, u.unor_nama]);
  return all === null ? options : [["", all], ...options];
}
