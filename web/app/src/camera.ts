// The live camera: photos come only from here (never from a file picker). `getUserMedia` with the front
// camera for selfies (the rear one for a letter), pictures taken from the playing <video> into a canvas and
// resized on the phone so that a selfie is at most 640 px and about 80 KB, whatever the camera gives.

export type Facing = "user" | "environment";

export type CameraProblem = "denied" | "missing" | "insecure" | "stopped" | "other";

export class CameraError extends Error {
  readonly problem: CameraProblem;

  constructor(problem: CameraProblem, message: string) {
    super(message);
    this.name = "CameraError";
    this.problem = problem;
  }
}

/** The picture asked of each camera: the front one takes selfies (640 px are plenty, and a cheap phone keeps up
 * with the preview); the rear one takes letters, which must stay readable at LETTER_PX (below), so it is
 * asked for more. `ideal`: a camera that cannot gives what it has nearest. */
const RESOLUTION: Readonly<Record<Facing, { width: number; height: number }>> = {
  user: { width: 640, height: 480 },
  environment: { width: 1920, height: 1440 },
};

export function videoConstraints(facing: Facing): MediaStreamConstraints {
  const { width, height } = RESOLUTION[facing];
  return { audio: false, video: { facingMode: facing, width: { ideal: width }, height: { ideal: height } } };
}

export async function openCamera(facing: Facing): Promise<MediaStream> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new CameraError("insecure", "Kamera tidak tersedia di browser ini. Buka SMART di Chrome (alamat https).");
  }
  try {
    return await navigator.mediaDevices.getUserMedia(videoConstraints(facing));
  } catch (exc) {
    const name = exc instanceof DOMException ? exc.name : "";
    if (name === "NotAllowedError" || name === "SecurityError") {
      throw new CameraError("denied", "Izin kamera ditolak.");
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      throw new CameraError("missing", "Kamera tidak ditemukan di ponsel ini.");
    }
    throw new CameraError("other", "Kamera tidak dapat dibuka. Tutup aplikasi lain yang memakai kamera, lalu coba lagi.");
  }
}

/** What the screen says when the camera stops under the page. */
export const CAMERA_STOPPED =
  "Kamera berhenti, mungkin karena dipakai aplikasi lain atau izinnya dicabut. Tutup aplikasi lain yang memakai kamera, lalu ketuk Coba Lagi.";

/** Calls `onStop` when the stream's picture stops under the page: Chrome ends the track when another app takes the
 * camera, the camera fails, or the site's permission is withdrawn, and the <video> then keeps showing its last
 * (or a black) frame, which a capture would send as the selfie. Returns the function that stops listening. */
export function whenStopped(stream: MediaStream, onStop: () => void): () => void {
  const tracks = stream.getVideoTracks();
  tracks.forEach((track) => track.addEventListener("ended", onStop));
  return () => tracks.forEach((track) => track.removeEventListener("ended", onStop));
}

export function closeCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((track) => track.stop());
}

/** Resolves once the video shows real frames (its size is known). */
export function videoReady(video: HTMLVideoElement): Promise<void> {
  if (video.readyState >= 2 && video.videoWidth > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      if (video.videoWidth > 0) {
        video.removeEventListener("loadeddata", done);
        video.removeEventListener("playing", done);
        resolve();
      }
    };
    video.addEventListener("loadeddata", done);
    video.addEventListener("playing", done);
  });
}

function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(",") + 1);
}

/** Bytes of a base64 text (without decoding it). */
export function base64Bytes(b64: string): number {
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

/** An encoding to try: the picture scaled to `longSide` px on its long side (never enlarged), JPEG at `quality`. */
export interface Encoding {
  longSide: number;
  quality: number;
}

/** Encodes the picture as base64 JPEG the way `encoding` says. */
export type Encoder = (encoding: Encoding) => string;

const QUALITIES = [0.82, 0.72, 0.6, 0.48, 0.36];

/** The first of `tries` whose encoding fits `maxBytes` (decoded); when none does, the smallest of them (a smaller
 * picture at a higher quality can weigh more than a larger one at a lower quality). Pure in what it decides, so
 * the tests give it an encoder that models a camera's JPEG sizes (Node has no canvas). */
export function fitted(encode: Encoder, tries: readonly Encoding[], maxBytes: number): string {
  let smallest = "";
  for (const encoding of tries) {
    const b64 = encode(encoding);
    if (base64Bytes(b64) <= maxBytes) return b64;
    if (!smallest || b64.length < smallest.length) smallest = b64;
  }
  return smallest;
}

/** What the canvas makes of the current video frame: drawn once per size asked, then encoded at each quality. */
function canvasEncoder(video: HTMLVideoElement): Encoder {
  const drawn = new Map<number, HTMLCanvasElement>();
  return ({ longSide, quality }) => {
    let canvas = drawn.get(longSide);
    if (!canvas) {
      const w = video.videoWidth;
      const h = video.videoHeight;
      const scale = Math.min(1, longSide / Math.max(w, h));
      canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new CameraError("other", "Foto tidak dapat diambil dari kamera.");
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      drawn.set(longSide, canvas);
    }
    return base64Of(canvas.toDataURL("image/jpeg", quality));
  };
}

/**
 * The current video frame as base64 JPEG, its long side at most `longSide` px, lowering the JPEG quality until
 * it fits `maxBytes` (a selfie: 640 px, ~80 KB; a liveness frame: 240 px, a few KB).
 */
export function grab(video: HTMLVideoElement, longSide: number, maxBytes: number, firstQuality = 0.82): string {
  const tries = QUALITIES.filter((q) => q <= firstQuality).map((quality) => ({ longSide, quality }));
  return fitted(canvasEncoder(video), tries, maxBytes);
}

/** A letter photo goes up a 2G link (EDGE: 50-100 kbit/s up): at most LETTER_BYTES, 273 KB of base64 in the
 * filing, about 45 s at 50 kbit/s; a plain A4 letter weighs 90-140 KB at 1600 px and quality 0.7, a busy or grainy
 * picture 230-260 KB (bench/letters_RESULTS.md). The API takes 2 MB, which 2G would need five minutes for. */
export const LETTER_PX = 1600;
export const LETTER_BYTES = 200 * 1024;
/** The encodings a letter photo tries, best first: 1600 px, then 1280 px (11 pt text of a page filling the frame
 * stays readable at quality 0.5; below that, stamps and small print go, and the admin deciding cannot read it). */
export const LETTER_TRIES: readonly Encoding[] = [
  { longSide: LETTER_PX, quality: 0.7 },
  { longSide: LETTER_PX, quality: 0.6 },
  { longSide: LETTER_PX, quality: 0.5 },
  { longSide: 1280, quality: 0.6 },
  { longSide: 1280, quality: 0.5 },
];

/** A letter photo as it is sent, from what `encode` makes of the picture. */
export function letterPhoto(encode: Encoder): string {
  return fitted(encode, LETTER_TRIES, LETTER_BYTES);
}

/** The current video frame of the rear camera as a letter photo (base64 JPEG). */
export function grabLetter(video: HTMLVideoElement): string {
  return letterPhoto(canvasEncoder(video));
}

export const SELFIE_PX = 640;
export const SELFIE_BYTES = 80 * 1024;
export const FRAME_PX = 240;
export const FRAME_BYTES = 12 * 1024;
export const FRAME_QUALITY = 0.72;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
