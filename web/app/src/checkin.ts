// One check-in, from the tap to SMART's answer: the challenge (which fixes the attendance time and may ask for
// a liveness action), the frames taken while the person does it, the photo, the check-in. Without signal, on a
// link that does not answer the challenge within seconds, or with SMART down or too busy to take it, the capture
// goes to the outbox instead and is sent later as an offline check-in. A live check-in is kept in the outbox before it is sent and forgotten once SMART
// answers it, so an app closed mid-send loses nothing (the outbox sends it later, with the same id).
import { messageOf, timedOut, UserMessage } from "../../shared/api";
import { keptForLater, type Outcome, refused } from "./answers";
import { FRAME_BYTES, FRAME_PX, FRAME_QUALITY, grab, SELFIE_BYTES, SELFIE_PX, sleep } from "./camera";
import { withCheckin } from "./day";
import { type Fix, isFresh, staleText } from "./geo";
import { backOff, forget, holding, keep } from "./outbox";
import { clockWentBack, serverNow } from "./servertime";
import { call, keepDay, uuid } from "./session";
import type { Challenge, CheckinAnswer, CheckinBody, Kind, Liveness } from "./types";

export const ACTION_TEXT: Record<NonNullable<Liveness["action"]>, string> = {
  turn_left: "Tolehkan kepala ke kiri",
  turn_right: "Tolehkan kepala ke kanan",
  nod: "Anggukkan kepala",
  blink: "Kedipkan mata",
};

/** A challenge and when the phone received it. */
export interface Asked {
  challenge: Challenge;
  at: number;
}

/** A challenge asked ahead (when the check-in screen opens) is used only while this fresh: it dates the check-in. */
const FRESH_MS = 30_000;

/** How long the challenge may take before the capture goes the offline way: it is a small answer, which a link
 * able to carry the check-in gives in a second or two; a teacher at the gate is done in seconds either way. */
export const CHALLENGE_TIMEOUT_MS = 10_000;

export function askChallenge(): Promise<Asked> {
  return call<Challenge>("POST", "/v1/attendance/challenge", undefined, undefined, CHALLENGE_TIMEOUT_MS).then(
    (challenge) => ({ challenge, at: Date.now() }),
  );
}

/** The challenge asked when the screen opens: the challenge, or when its request gave up after the whole time
 * limit (`gaveUpAt`), or null (not asked, or refused). */
export type Early = Asked | { gaveUpAt: number } | null;

export function askAhead(): Promise<Early> {
  return askChallenge().catch((exc: unknown) => (timedOut(exc) ? { gaveUpAt: Date.now() } : null));
}

export interface Capture {
  type: Kind;
  video: HTMLVideoElement;
  /** The last fix the screen has: refused when it has aged (geo.FIX_MAX_AGE_MS), live or kept for later alike. */
  fix: Fix;
  /** The challenge asked when the screen opened (`askAhead`), so the tap does not wait for it. */
  early: Promise<Early> | null;
  /** Called with the action to show (or null when it is done), while its frames are taken. */
  onAction: (text: string | null) => void;
}

const ACTION_MS = 1600;

/** What the guide says once a movement's frames are taken, and how long the face has to come back before the
 * photo: the selfie is what SMART compares with the frontal enrolment photos (and what a reviewer sees), while
 * the liveness check needs only the frames to end turned. */
export const FACE_FORWARD = "Lihat lurus ke kamera";
export const FACE_FORWARD_MS = 700;

/** The liveness frames, taken while the guide shows the action; after a movement, the guide asks to look straight
 * at the camera and waits for it, so the photo taken next is frontal. The guide is left to the caller to clear. */
async function frames(video: HTMLVideoElement, liveness: Liveness, onAction: Capture["onAction"]): Promise<string[]> {
  const out: string[] = [];
  onAction(liveness.action ? ACTION_TEXT[liveness.action] : "Lihat ke kamera");
  const gap = Math.max(60, Math.floor(ACTION_MS / Math.max(1, liveness.frames)));
  for (let i = 0; i < liveness.frames; i += 1) {
    await sleep(gap);
    out.push(grab(video, FRAME_PX, FRAME_BYTES, FRAME_QUALITY));
  }
  if (liveness.action) {
    onAction(FACE_FORWARD);
    await sleep(FACE_FORWARD_MS);
  }
  return out;
}

async function saveForLater(body: CheckinBody, correction: number | null): Promise<Outcome> {
  await keep(body, correction);
  return { kind: "saved" };
}

/** The live send: kept in the outbox first (while this screen holds it, so the outbox does not send it too),
 * then sent; forgotten once SMART answers, left for the outbox when no answer comes. */
async function sendLive(body: CheckinBody, correction: number | null): Promise<Outcome> {
  const sent = await holding(body.client_request_id, async (): Promise<Outcome> => {
    let kept = true;
    try {
      await keep(body, correction);
    } catch {
      kept = false; // storage refused: the send goes on, and is kept after all when no answer comes
    }
    let answer: CheckinAnswer;
    try {
      answer = await call<CheckinAnswer>("POST", "/v1/attendance", body);
    } catch (exc) {
      if (keptForLater(exc)) {
        backOff(exc);
        return kept ? { kind: "saved" } : saveForLater(body, correction);
      }
      if (kept) await forget(body.client_request_id);
      return refused(exc, body.accuracy_m);
    }
    keepDay((profile) => withCheckin(profile, answer));
    const accepted = answer.status === "accepted";
    if (kept) {
      // Home, when the employee went back to it mid-send, counts it as sent and reads the day again
      const message = accepted ? "Absen diterima" : "Menunggu verifikasi admin";
      const { client_request_id: id, type, captured_at } = body;
      await forget(id, [{ id, type, captured_at, outcome: "recorded", message }]);
    }
    return { kind: accepted ? "accepted" : "review", answer };
  });
  if (sent === null) throw new Error("capture already being sent"); // a fresh id: nobody else can hold it
  return sent;
}

/** A tap refused because its fix had aged (`fix`): nothing was sent or kept. */
export class AgedFix extends UserMessage {
  constructor(readonly fix: Fix) {
    super(staleText(fix));
  }
}

/** A tap refused because the phone's clock runs before SMART's last answer (servertime.clockWentBack): a capture
 * dated by it would be dated wrongly, days back after a flat battery, and refused later as kept too long. */
export const CLOCK_WENT_BACK =
  "Jam ponsel tidak tepat: tanggal atau jam di ponsel lebih awal dari jam SMART yang terakhir diketahui ponsel, sehingga absen tidak disimpan. Atur tanggal dan jam ponsel dengan benar (Setelan → Tanggal & waktu), lalu coba lagi.";

/** What the check-in screen's error line says of the last tap's refusal (`error`, null when there is none) while
 * the screen's fix is `fix`: a refusal of an aged fix only while that fix is still the last one (a newer fix is a
 * young one, and the button is back: the words "Menunggu lokasi baru…" would stay under it); any other refusal (a
 * face, a network error) until the next tap. */
export function errorShown(error: unknown, fix: Fix | null): string | null {
  if (error === null) return null;
  if (error instanceof AgedFix && fix !== null && fix !== error.fix) return null;
  return messageOf(error);
}

export async function checkIn({ type, video, fix, early, onAction }: Capture): Promise<Outcome> {
  // The screen disables its button for an aged fix, but looks only every few seconds: the tap is judged here,
  // before the photo (which follows within seconds: the challenge's time limit and the liveness frames).
  if (!isFresh(fix)) throw new AgedFix(fix);
  const base = {
    type,
    client_request_id: uuid(),
    latitude: fix.latitude,
    longitude: fix.longitude,
    accuracy_m: fix.accuracy_m,
    mock_location: false,
  };
  // Dated by SMART's clock as far as the phone knows it (servertime.ts): a phone whose clock is set wrong would
  // otherwise date an offline capture wrongly, or so far ahead that SMART refuses it for good. A clock that went
  // back before SMART's last answer is wrong by an amount nobody knows: nothing is taken until it is set right.
  let correction: number | null = null;
  const photoNow = (): Pick<CheckinBody, "photo" | "captured_at"> => {
    if (clockWentBack()) throw new UserMessage(CLOCK_WENT_BACK);
    const now = serverNow();
    correction = now.correction;
    return { photo: grab(video, SELFIE_PX, SELFIE_BYTES), captured_at: now.at };
  };
  const offline = (): Promise<Outcome> => {
    const body = { ...base, ...photoNow() };
    return saveForLater(body, correction);
  };
  if (!navigator.onLine) return offline();

  let challenge: Challenge;
  const ahead = early ? await early : null;
  // A link that just carried nothing for a whole time limit would make a second challenge wait as long again
  // (two minutes of "Mengirim…"): the capture is kept on the phone at once.
  if (ahead && "gaveUpAt" in ahead && Date.now() - ahead.gaveUpAt <= FRESH_MS) return offline();
  try {
    challenge = ahead && "at" in ahead && Date.now() - ahead.at <= FRESH_MS ? ahead.challenge : (await askChallenge()).challenge;
  } catch (exc) {
    if (!keptForLater(exc)) return refused(exc);
    backOff(exc);
    return offline();
  }
  const liveness = challenge.liveness;
  const taken = liveness && liveness.frames > 0 ? await frames(video, liveness, onAction) : null;
  const body: CheckinBody = { ...base, challenge_id: challenge.challenge_id, ...photoNow() };
  if (taken) {
    body.frames = taken;
    onAction(null); // the photo is taken: the guide goes back to the screen's own words ("Mengirim…")
  }
  return sendLive(body, correction);
}
