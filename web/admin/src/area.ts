// The area of a field duty (dinas luar) typed on approving an employee's request: a circle, its centre as
// "lintang, bujur" (as a map app copies it: "-6.84671, 107.4858") and its radius in metres, read as Zona reads
// them (zones.ts). The API checks the rest (the regency's bounds, the zone limits) in its own words.
import { UserMessage } from "../../shared/api";
import type { Circle } from "./types";
import { parsePair, parseRadius, pointProblem } from "./zones";

export type { Circle };

const CENTRE_FORM = "Tulis pusat area sebagai lintang, bujur, misalnya -6.84671, 107.4858.";

/** The circle of `centre` ("lintang, bujur") and `radius` (metres), null when both are empty (a field duty
 * without an area of its own); a UserMessage when only one is given or either cannot be read. */
export function circleOf(centre: string, radius: string): Circle | null {
  const c = centre.trim();
  const r = radius.trim();
  if (!c && !r) return null;
  if (!c) throw new UserMessage(`Isi juga pusat area, atau kosongkan jari-jarinya. ${CENTRE_FORM}`);
  if (!r) throw new UserMessage("Isi juga jari-jari area dalam meter, atau kosongkan pusat area.");
  const point = parsePair(c);
  if (!point) throw new UserMessage(CENTRE_FORM);
  const problem = pointProblem(point[0], point[1]);
  if (problem) throw new UserMessage(problem);
  const radiusM = parseRadius(r);
  if (radiusM === null) throw new UserMessage("Jari-jari area ditulis dalam meter, angka lebih dari 0 (misalnya 150).");
  return { lat: point[0], lon: point[1], radius_m: radiusM };
}
