// The fingerprint import's "Unit mesin" (Sidik Jari): the API resolves a machine's PINs in the unit sent as
// `unor_id`, or without it across every unit of the caller, where a PIN mapped in only one of them names that
// unit's employee even for a file from another unit's machine. So the console always sends the machine's unit:
// an admin of one unit has it preselected, an admin of several (a super admin) picks it before importing.
import { unitOptions } from "./context";
import type { Unit } from "./types";

/** The placeholder of an admin of several units, who has yet to pick the machine's unit. */
export const PICK_MACHINE_UNIT = "Pilih unit mesin";

/** The unit a machine's file is imported for: the one chosen (if among `units`), for an admin of one unit that
 * unit; "" while an admin of several has not chosen (the import waits). */
export function machineUnit(units: readonly Pick<Unit, "unor_id">[], chosen: string): string {
  if (chosen !== "" && units.some((u) => u.unor_id === chosen)) return chosen;
  return units.length === 1 ? (units[0]?.unor_id ?? "") : "";
}

/** "Unit mesin"'s options: the only unit of a one-unit admin, else a placeholder first (no "every unit"). */
export function machineUnitOptions(units: Unit[]): [string, string][] {
  return unitOptions(units, units.length === 1 ? null : PICK_MACHINE_UNIT);
}
