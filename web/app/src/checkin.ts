// One check-in, from the tap to SMART's answer: the challenge (which fixes the attendance time and may ask for
// a liveness action), the frames taken while the person does it, the photo, the check-in. Without signal the
// capture goes to the outbox instead and is sent later as an offline check-in.
import { timedOut } from "../../shared/api";
import { type Outcome, refused, unanswered } from "./answers";
import { FRAME_BYTES, FRAME_PX, FRAME_QUALITY, grab, SELFIE_BYTES, SELFIE_PX, sleep } from "./camera";
import type { Fix } from "./geo";
import { keep } from "./outbox";
import { call, uuid } from "./session";
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

export function askChallenge(): Promise<Asked> {
  return call<Challenge>("POST", "/v1/attendance/challenge").then((challenge) => ({ challenge, at: Date.now() }));
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
  fix: Fix;
  /** The challenge asked when the screen opened (`askAhead`), so the tap does not wait for it. */
  early: Promise<Early> | null;
  /** Called with the action to show (or null when it is done), while its frames are taken. */
  onAction: (text: string | null) => void;
}

const ACTION_MS = 1600;

async function frames(video: HTMLVideoElement, liveness: Liveness, onAction: Capture["onAction"]): Promise<string[]> {
  const out: string[] = [];
  onAction(liveness.action ? ACTION_TEXT[liveness.action] : "Lihat ke kamera");
  const gap = Math.max(60, Math.floor(ACTION_MS / Math.max(1, liveness.frames)));
  for (let i = 0; i < liveness.frames; i += 1) {
    await sleep(gap);
    out.push(grab(video, FRAME_PX, FRAME_BYTES, FRAME_QUALITY));
  }
  onAction(null);
  return out;
}

async function saveForLater(body: CheckinBody): Promise<Outcome> {
  await keep(body);
  return { kind: "saved" };
}

export async function checkIn({ type, video, fix, early, onAction }: Capture): Promise<Outcome> {
  const base = {
    type,
    client_request_id: uuid(),
    latitude: fix.latitude,
    longitude: fix.longitude,
    accuracy_m: fix.accuracy_m,
    mock_location: false,
  };
  const photoNow = (): Pick<CheckinBody, "photo" | "captured_at"> => ({
    photo: grab(video, SELFIE_PX, SELFIE_BYTES),
    captured_at: new Date().toISOString(),
  });
  if (!navigator.onLine) return saveForLater({ ...base, ...photoNow() });

  let challenge: Challenge;
  const ahead = early ? await early : null;
  // A link that just carried nothing for a whole time limit would make a second challenge wait as long again
  // (two minutes of "Mengirim…"): the capture is kept on the phone at once.
  if (ahead && "gaveUpAt" in ahead && Date.now() - ahead.gaveUpAt <= FRESH_MS) return saveForLater({ ...base, ...photoNow() });
  try {
    challenge = ahead && "at" in ahead && Date.now() - ahead.at <= FRESH_MS ? ahead.challenge : (await askChallenge()).challenge;
  } catch (exc) {
    if (unanswered(exc)) return saveForLater({ ...base, ...photoNow() });
    return refused(exc);
  }
  const liveness = challenge.liveness;
  const taken = liveness && liveness.frames > 0 ? await frames(video, liveness, onAction) : null;
  const body: CheckinBody = { ...base, challenge_id: challenge.challenge_id, ...photoNow() };
  if (taken) body.frames = taken;
  try {
    const answer = await call<CheckinAnswer>("POST", "/v1/attendance", body);
    return { kind: answer.status === "accepted" ? "accepted" : "review", answer };
  } catch (exc) {
    if (unanswered(exc)) return saveForLater(body);
    return refused(exc);
  }
}
