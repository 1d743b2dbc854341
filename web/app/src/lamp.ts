// "Lampu layar": the phone's own screen as a fill light, as banking and e-KYC selfie apps do. Check-ins happen at
// 06:45 in dim classrooms, where the front camera's picture is too dark for SMART to find the face (NO_FACE "too
// dark") or to judge it. While the preview runs, its mean luma is read a few times a second from a 32×32 copy; a
// room that stays dark turns the screen white around a smaller preview, and a room lit again turns it back. The
// decision is here, pure (the readings and their times in, the lamp out), so it is tested in Node.

/** The mean luma (Rec. 601, 0-255, the measure of the server's `quality.photo_brightness`) under which the
 * lamp comes on. The server calls a photo without a face too dark under `QualityLimits.min_photo_brightness` 40
 * (chalicelib/face/config.py; decision 289: dev photos darkened to 6-50 % lost their face only under 19, and
 * real dim selfies, noisier, lose it sooner). The selfie is grabbed from this very preview (same camera, same
 * exposure), so its mean predicts the photo's; 50 lights the face a margin before the photo would be refused. A
 * lit but dark-walled photo can read 40-50 (one undarkened dev photo is under 40): the lamp harms none of them. */
export const LAMP_ON_BELOW = 50;
/** The mean luma from which a lit lamp goes out. A camera with light enough exposes to its target, and reads
 * like an ordinary photo (undarkened dev photos 38-165, most over 100; the e2e fake camera 110-176); one short
 * of light, at its longest exposure, cannot. Well above LAMP_ON_BELOW: the lamp's own light lifts the reading, so
 * a threshold near 50 would put it out by its own light, and the dark would light it again (flicker). Between the
 * two the lamp keeps its state. */
export const LAMP_OFF_FROM = 100;
/** How long the room must read dark, unbroken, before the lamp comes on: a hand or a shadow passing does not
 * light it, and no full-screen flash ever comes from noisy readings (WCAG 2.3.1: three flashes a second). */
export const LAMP_ON_AFTER_MS = 1000;
/** How long the room must read light, unbroken, before a lit lamp goes out: longer, since the camera's exposure
 * settles for a moment after the light changes. */
export const LAMP_OFF_AFTER_MS = 3000;
/** How often the preview is read: a few times a second, cheap on a cheap phone (a 32×32 copy, 4 KB). */
export const LAMP_SAMPLE_MS = 300;
export const LAMP_SAMPLE_PX = 32;
/** A mean under this is no picture at all (Chrome draws black while the camera starts; a covered camera has no
 * face to light): no reading, nothing changes. */
const NO_PICTURE = 1;

export interface Lamp {
  /** What the readings say: the room is dark (the lamp lights unless the employee chose otherwise). */
  dark: boolean;
  /** Since when the readings say the other way (ms), null while they agree with `dark`. */
  turning: number | null;
  /** The employee's own choice ("Lampu layar" tapped): it wins over the readings while the screen stays open;
   * null while they made none. */
  chosen: boolean | null;
}

export const LAMP_OFF: Lamp = { dark: false, turning: null, chosen: null };

/** The lamp after the preview read `luma` at `at` (ms): a reading past the threshold for the other state, kept
 * unbroken for that state's time, turns it; a reading between the thresholds keeps it (and breaks the run). */
export function lampSeen(lamp: Lamp, luma: number, at: number): Lamp {
  if (luma < NO_PICTURE) return lamp;
  const dark = lamp.dark ? luma < LAMP_OFF_FROM : luma < LAMP_ON_BELOW;
  if (dark === lamp.dark) return lamp.turning === null ? lamp : { ...lamp, turning: null };
  const turning = lamp.turning ?? at;
  const after = dark ? LAMP_ON_AFTER_MS : LAMP_OFF_AFTER_MS;
  return at - turning >= after ? { ...lamp, dark, turning: null } : { ...lamp, turning };
}

/** The lamp when the readings resume after a hold (a capture, during which nothing is read): a run toward the
 * other state starts anew, since the readings it needed unbroken were never taken. */
export function lampResumed(lamp: Lamp): Lamp {
  return lamp.turning === null ? lamp : { ...lamp, turning: null };
}

/** Whether the screen is the lamp now. */
export function lampLit(lamp: Lamp): boolean {
  return lamp.chosen ?? lamp.dark;
}

/** The lamp after the employee tapped "Lampu layar": the other of what the screen shows now. */
export function lampToggled(lamp: Lamp): Lamp {
  return { ...lamp, chosen: !lampLit(lamp) };
}

/** What the screen says while it is the lamp (null while it is not): why (when the room's darkness lit it), and
 * what to do. The web cannot raise the screen's brightness, which Android's auto-brightness lowers in a dark
 * room: the employee is asked to. */
export function lampNote(lamp: Lamp): string | null {
  if (!lampLit(lamp)) return null;
  return lamp.chosen
    ? "Lampu layar menyala: layar dibuat terang untuk menerangi wajah. Dekatkan wajah ke layar."
    : "Ruangan gelap: layar dibuat terang untuk menerangi wajah. Dekatkan wajah ke layar dan naikkan kecerahan layar.";
}

/** The mean Rec. 601 luma of RGBA pixels (alpha left out), as the server's `quality.photo_brightness`; 0 for none. */
export function meanLuma(rgba: ArrayLike<number>): number {
  const pixels = Math.floor(rgba.length / 4);
  if (pixels === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pixels * 4; i += 4) {
    sum += 0.299 * (rgba[i] ?? 0) + 0.587 * (rgba[i + 1] ?? 0) + 0.114 * (rgba[i + 2] ?? 0);
  }
  return sum / pixels;
}

/** Reads the mean luma of the video's current frame, each time from the same small canvas (null: no canvas). */
export function lumaReader(video: HTMLVideoElement): (() => number) | null {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = LAMP_SAMPLE_PX;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  return () => {
    try {
      ctx.drawImage(video, 0, 0, LAMP_SAMPLE_PX, LAMP_SAMPLE_PX);
      return meanLuma(ctx.getImageData(0, 0, LAMP_SAMPLE_PX, LAMP_SAMPLE_PX).data);
    } catch {
      return 0; // no picture to read (a camera stopping): no reading, and the check-in screen goes on
    }
  };
}
