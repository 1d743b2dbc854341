// The phone's position for a check-in: a high-accuracy fix kept fresh while the check-in screen is open. A fix
// is used only while it is young (FIX_MAX_AGE_MS): a phone that stops delivering fixes (indoors, or carried away
// with the screen open) would otherwise send the place it was minutes ago. When the last fix has aged, a fresh
// one is asked for (`followFix`), since a browser need not fire watchPosition again for a phone lying still.

export interface Fix {
  latitude: number;
  longitude: number;
  accuracy_m: number;
  /** When the app received the fix, by the phone's clock (Date.now()). Not the position's own timestamp: that
   * one may come from another clock than the one Date.now() reads (on Android the location's time can be the
   * satellites'), and a phone whose clock is minutes off (decisions 256, 260) would find every fix too old. With
   * `maximumAge` the browser hands no cached fix older than that, so the receipt dates the fix closely enough. */
  at: number;
}

export type GeoProblem = "denied" | "unavailable" | "timeout" | "missing";

/** A fix older than this is not sent: in two minutes someone on foot goes some 170 m, out of many a school's zone,
 * while a phone under the open sky delivers a fix every second or so (an employee at the gate never meets the
 * limit, one who stood indoors meanwhile waits only for the next fix). */
export const FIX_MAX_AGE_MS = 2 * 60_000;

/** How often the age of the last fix is looked at (the screen shows it, an aged one makes the app ask again). */
export const FIX_CHECK_MS = 5_000;

/** The watch's options: a cached fix up to 10 s old is fine while the screen opens; no first fix in 30 s is told
 * (the screen's "Lokasi belum ditemukan", with Coba Lagi). */
const WATCH: PositionOptions = { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 };
/** The watch started again when the last fix has aged: none from the browser's cache, and no time limit of its
 * own. Its time limit is FIX_AGAIN_MS, the next start: with a 30 s timeout as well, the watch's time-out and the
 * next start (looked for every FIX_CHECK_MS, so 30 to 35 s after this one) raced, and a phone searching indoors
 * could flash the time-out box every cycle. */
const AGAIN: PositionOptions = { enableHighAccuracy: true, maximumAge: 0 };
/** How long a watch started again is given before the next start: about a GPS's time to a fix from cold (each
 * start may begin the search anew). Not shorter: a search cut off every few seconds might never end in a fix. */
export const FIX_AGAIN_MS = 30_000;

export function problemOf(error: GeolocationPositionError): GeoProblem {
  if (error.code === error.PERMISSION_DENIED) return "denied";
  if (error.code === error.TIMEOUT) return "timeout";
  return "unavailable";
}

/** Whether `fix` may still be sent at `now`. One dated ahead of `now` by more than the limit means the phone's
 * clock was moved back meanwhile: its age is unknown, so it is not used either (a fresh one is asked for). */
export function isFresh(fix: Fix, now: number = Date.now()): boolean {
  return Math.abs(now - fix.at) <= FIX_MAX_AGE_MS;
}

/** What the screen says of an aged fix (whole minutes, at least 1). */
export function staleText(fix: Fix, now: number = Date.now()): string {
  const minutes = Math.max(1, Math.floor(Math.abs(now - fix.at) / 60_000));
  return `Lokasi GPS terakhir sudah ${minutes} menit lalu. Menunggu lokasi baru…`;
}

function fixOf(pos: GeolocationPosition): Fix {
  return {
    latitude: pos.coords.latitude,
    longitude: pos.coords.longitude,
    accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
    at: Date.now(),
  };
}

/** Watches the position, and starts the watch again whenever the last fix has aged (at most every FIX_AGAIN_MS
 * while it stays aged); returns the function that stops it all. A new watch is what makes Chrome ask the
 * phone's location service anew (a one-off getCurrentPosition only waits for the watch's next position, which
 * a still phone's browser may never send); a position delivered again as it was (the same own timestamp) is not
 * a new fix and does not make the old one young. A time-out is told only until the first fix: after it, the
 * watch started again goes on asking, and the screen says how old the last fix is and that it waits for a new
 * one (geo.staleText), which a box "Lokasi belum ditemukan" (role="alert") would only make alarming. A refused
 * permission or a GPS turned off is told whenever it comes. */
export function followFix(onFix: (fix: Fix) => void, onProblem: (problem: GeoProblem) => void, known: Fix | null = null): () => void {
  if (!("geolocation" in navigator)) {
    onProblem("missing");
    return () => undefined;
  }
  const geo = navigator.geolocation;
  let last: Fix | null = known; // the screen's fix when "Coba Lagi" started this again: still one to wait beside
  let lastStamp: number | null = null;
  let startedAt = Date.now();
  const got = (pos: GeolocationPosition): void => {
    if (pos.timestamp === lastStamp) return;
    lastStamp = pos.timestamp;
    last = fixOf(pos);
    onFix(last);
  };
  const failed = (err: GeolocationPositionError): void => {
    const problem = problemOf(err);
    if (problem !== "timeout" || last === null) onProblem(problem);
  };
  let id = geo.watchPosition(got, failed, WATCH);
  // Until a first fix comes, the watch is still searching (and reports its own time-out): nothing to start again.
  const timer = setInterval(() => {
    const now = Date.now();
    if (last === null || isFresh(last, now) || Math.abs(now - startedAt) < FIX_AGAIN_MS) return;
    geo.clearWatch(id);
    startedAt = now;
    id = geo.watchPosition(got, failed, AGAIN);
  }, FIX_CHECK_MS);
  return () => {
    clearInterval(timer);
    geo.clearWatch(id);
  };
}
