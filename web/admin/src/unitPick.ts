// The units an admin user is given ("Pengguna Admin"): a checkbox per unit, narrowed by a search. Pure rules,
// unit-tested (unitPick.test.ts).
import { normalised } from "./employeeList";
import type { Unit } from "./types";

/** The units whose name or id contains the search (all for an empty one), in the order given. */
export function unitsMatching(units: readonly Unit[], search: string): Unit[] {
  const needle = normalised(search);
  return needle ? units.filter((u) => u.unor_nama.toLowerCase().includes(needle) || u.unor_id.toLowerCase().includes(needle)) : [...units];
}

/** `chosen` with `unorId` checked (added once, at the end) or unchecked (removed); the others stay as they were. */
export function toggled(chosen: readonly string[], unorId: string, on: boolean): string[] {
  const rest = chosen.filter((id) => id !== unorId);
  return on ? [...rest, unorId] : rest;
}
