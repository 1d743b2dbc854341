// The area of a field duty (dinas luar) typed on approving an employee's request: a circle, its centre as
// "lintang, bujur" (as a map app copies it: "-6.84671, 107.4858") and its radius in metres. The API checks the
// rest (the regency's bounds, the zone limits) and says what is wrong in its own words.
import { UserMessage } from "../../shared/api";

export interface Circle {
  lat: number;
  lon: number;
  radius_m: number;
}

const NUMBER = String.raw`-?\d+(?:[.,]\d+)?`;
/** Two numbers, a point or a comma as decimal mark, apart by a comma, a semicolon or spaces. */
const PAIR = new RegExp(String.raw`^\s*(${NUMBER})\s*(?:[,;]|\s)\s*(${NUMBER})\s*$`);

const CENTRE_FORM = "Tulis pusat area sebagai lintang, bujur, misalnya -6.84671, 107.4858.";

function number(text: string): number {
  return Number(text.replace(",", "."));
}

/** Metres as an Indonesian writes them: "150", "1.500" (a thousands point), "75,5" (a decimal comma); NaN when
 * they are not a number. */
function metres(text: string): number {
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(text)) return number(text.replace(/\./g, ""));
  return /^\d+(?:[.,]\d+)?$/.test(text) ? number(text) : NaN;
}

/** The circle of `centre` ("lintang, bujur") and `radius` (metres), null when both are empty (a field duty
 * without an area of its own); a UserMessage when only one is given or either cannot be read. */
export function circleOf(centre: string, radius: string): Circle | null {
  const c = centre.trim();
  const r = radius.trim();
  if (!c && !r) return null;
  if (!c) throw new UserMessage(`Isi juga pusat area, atau kosongkan jari-jarinya. ${CENTRE_FORM}`);
  if (!r) throw new UserMessage("Isi juga jari-jari area dalam meter, atau kosongkan pusat area.");
  const pair = PAIR.exec(c);
  const lat = pair?.[1] === undefined ? NaN : number(pair[1]);
  const lon = pair?.[2] === undefined ? NaN : number(pair[2]);
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new UserMessage(CENTRE_FORM);
  const radiusM = metres(r);
  if (!(radiusM > 0)) throw new UserMessage("Jari-jari area ditulis dalam meter, angka lebih dari 0 (misalnya 150).");
  return { lat, lon, radius_m: radiusM };
}
