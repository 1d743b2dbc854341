// Check-ins captured without signal wait in IndexedDB (idb-keyval) and are sent later as offline check-ins
// (`"offline": true`, `captured_at`, no challenge). Each keeps the `client_request_id` it was given at capture:
// every retry sends the same one, so SMART records it once however often the phone tries (API.md). Each is the
// capture of the employee signed in when it was taken, and is listed and sent only while they are signed in: on
// a phone two colleagues share, one's capture never goes out under the other's session (it would be judged
// against the wrong face, and lost to its owner). A capture SMART refused stays in the same store, marked with
// the refusal, until its owner has read it on Home ("Ditolak"): the answer may come while another screen is open,
// or with the app in the background, and must not be lost with the capture. What it keeps of a refused capture
// is what Home says of it (check-in or check-out, when): not the selfie, not the place.
import { createStore, del, entries, set } from "idb-keyval";
import type { ApiError } from "../../shared/api";
import { retryLater, type Settled, settledBy } from "./answers";
import { call, signedInNip } from "./session";
import type { CheckinAnswer, CheckinBody, Kind } from "./types";

export interface Waiting {
  id: string; // = body.client_request_id
  body: CheckinBody;
  saved_at: string;
  nip?: string; // whose capture it is (none on captures kept before the app recorded it: sent as before)
}

/** A capture SMART refused: shown on Home until read, never sent again; its owner is the employee it was sent
 * for. */
export interface RefusedCapture {
  id: string;
  body: Pick<CheckinBody, "type" | "client_request_id" | "captured_at">;
  saved_at: string;
  nip?: string;
  refusal: Refusal;
}

type Kept = Waiting | RefusedCapture;

/** SMART's final refusal of a waiting capture: the API's words and what to do next. */
export interface Refusal {
  message: string;
  next: string;
}

/** What became of a waiting capture once SMART answered. */
export type Delivered = { id: string; type: Kind; captured_at: string } & Settled;

const store = createStore("smart-outbox", "checkins");
export const OUTBOX_EVENT = "smart:outbox";

/** While captures wait, how often to try again without any other cue (a link that came back without an `online`
 * event: the phone never counted as offline, only the answer never came). */
const RETRY_MS = 60_000;

function changed(delivered: Delivered[] = []): void {
  window.dispatchEvent(new CustomEvent<Delivered[]>(OUTBOX_EVENT, { detail: delivered }));
}

/** The offline form of a capture: no challenge (nor the liveness frames it asked for), `captured_at` kept. */
export function offlineBody(body: CheckinBody): CheckinBody {
  const { challenge_id: _challenge, frames: _frames, ...rest } = body;
  return { ...rest, offline: true };
}

export async function keep(body: CheckinBody): Promise<void> {
  const nip = signedInNip();
  const item: Waiting = {
    id: body.client_request_id,
    body: offlineBody(body),
    saved_at: new Date().toISOString(),
    ...(nip ? { nip } : {}),
  };
  await set(item.id, item, store);
  changed();
}

/** The captures of the employee signed in (none when nobody is), oldest first; others' wait for their owner. */
async function mine(): Promise<Kept[]> {
  const nip = signedInNip();
  if (!nip) return [];
  const all = await entries<string, Kept>(store);
  return all
    .map(([, item]) => item)
    .filter((item) => (item.nip ?? nip) === nip)
    .sort((a, b) => a.body.captured_at.localeCompare(b.body.captured_at));
}

/** The captures of the employee signed in that wait to be sent, oldest first. */
export async function waiting(): Promise<Waiting[]> {
  return (await mine()).filter((item): item is Waiting => !("refusal" in item));
}

/** The captures of the employee signed in that SMART refused and they have not read yet, oldest first. */
export async function refusals(): Promise<RefusedCapture[]> {
  return (await mine()).filter((item): item is RefusedCapture => "refusal" in item);
}

/** The employee has read this refusal: the capture is forgotten. */
export async function dismiss(id: string): Promise<void> {
  await del(id, store);
  changed();
}

/** A capture SMART answered: forgotten once recorded; once refused, its refusal is kept until read, with what
 * Home says of the capture and whose it was (the employee it was just sent for), the selfie and the place
 * dropped. */
async function settle(item: Waiting, done: Delivered): Promise<void> {
  if (done.outcome !== "refused") return del(item.id, store);
  const { type, client_request_id, captured_at } = item.body;
  const nip = item.nip ?? signedInNip();
  const refused: RefusedCapture = {
    id: item.id,
    body: { type, client_request_id, captured_at },
    saved_at: item.saved_at,
    ...(nip ? { nip } : {}),
    refusal: { message: done.message, next: done.next },
  };
  await set(item.id, refused, store);
}

async function deliver(item: Waiting): Promise<Delivered> {
  const base = { id: item.id, type: item.body.type, captured_at: item.body.captured_at };
  try {
    const answer = await call<CheckinAnswer>("POST", "/v1/attendance", item.body);
    const message = answer.status === "accepted" ? "Absen diterima" : "Menunggu verifikasi admin";
    return { ...base, outcome: "recorded", message };
  } catch (exc) {
    if (retryLater(exc, item.body.captured_at)) throw exc;
    return { ...base, ...settledBy(exc as ApiError) };
  }
}

let flushing: Promise<Delivered[]> | null = null;

/** Sends every waiting capture, oldest first; stops at the first that must wait for signal. One run at a time. */
export function flush(): Promise<Delivered[]> {
  if (!flushing) {
    flushing = run().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

async function run(): Promise<Delivered[]> {
  const done: Delivered[] = [];
  if (!navigator.onLine) return done;
  for (const item of await waiting()) {
    let answered: Delivered;
    try {
      answered = await deliver(item);
    } catch {
      break;
    }
    await settle(item, answered);
    done.push(answered);
  }
  if (done.length) changed(done);
  return done;
}

/** Send by itself: now (app start), whenever the connection returns or the app comes back to the screen, and
 * every minute while the app is open (nothing is sent when nothing waits). */
export function startOutbox(): void {
  window.addEventListener("online", () => void flush());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void flush();
  });
  setInterval(() => void flush(), RETRY_MS);
  void flush();
}
