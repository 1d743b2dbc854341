// What every screen of a signed-in admin knows: the session (role) and the units the caller may see (the API
// answers GET /v1/admin/units within the caller's scope), loaded once by the shell.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./session";
import type { Unit } from "./types";

export interface Console {
  session: Session;
  units: Unit[];
  unitName: (unorId: string) => string;
  reloadUnits: () => void;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error("useConsole outside the shell");
  return c;
}

export function unitOptions(units: Unit[], all: string | null): [string, string][] {
  const options: [string, string][] = units.map((u) => [u.unor_id, u.unor_nama]);
  return all === null ? options : [["", all], ...options];
}
