import { useCallback, useState } from "preact/hooks";
import { timing, type Outcome } from "../answers";
import { askAhead, checkIn, type Early, errorShown } from "../checkin";
import { FixLine, LampCamera, useFix, useLamp, usableFix } from "../live";
import { homeAfterFlow } from "../router";
import type { Kind } from "../types";
import { clockOf } from "../clock";
import { ErrorLine, Page, useFocusAfterTap } from "../ui";

/** What a capture kept on the phone is told, in UI.md's words (the next line says SMART must be open to send it). */
export const SAVED_TITLE = "Tersimpan di ponsel, akan dikirim otomatis saat ada sinyal";

export const KIND_ACTION: Record<Kind, string> = { in: "Absen Masuk", out: "Absen Pulang" };

/** SMART's answer; its title (`lead`) takes the focus, the button tapped being gone. */
function Answer({ outcome, lead, onAgain }: { outcome: Outcome; lead: (title: HTMLElement | null) => void; onAgain: () => void }) {
  const home = (
    <button type="button" onClick={homeAfterFlow}>
      Kembali ke Beranda
    </button>
  );
  if (outcome.kind === "saved") {
    return (
      <div class="answer saved" role="status">
        <p class="answer-title" tabIndex={-1} ref={lead}>
          {SAVED_TITLE}
        </p>
        <p>
          Setelah ada sinyal, buka SMART lagi agar absen ini terkirim. Biarkan SMART tetap terpasang. Absen ini akan
          diverifikasi admin setelah terkirim.
        </p>
        {home}
      </div>
    );
  }
  if (outcome.kind === "refused") {
    return (
      <div class="answer refused" role="alert">
        <p class="answer-title" tabIndex={-1} ref={lead}>
          Absen ditolak
        </p>
        <p>{outcome.message}</p>
        {outcome.next ? <p>{outcome.next}</p> : null}
        <button type="button" onClick={onAgain}>
          Coba Lagi
        </button>
        <button type="button" class="secondary" onClick={homeAfterFlow}>
          Kembali ke Beranda
        </button>
      </div>
    );
  }
  const { answer } = outcome;
  return (
    <div class={`answer ${outcome.kind}`} role="status">
      <p class="answer-title" tabIndex={-1} ref={lead}>
        {outcome.kind === "accepted" ? "Absen diterima" : "Menunggu verifikasi admin"}
      </p>
      <p>
        {KIND_ACTION[answer.type]} pukul {clockOf(answer.attendance_time)}. {timing(answer) ?? ""}
      </p>
      {outcome.kind === "review" ? <p>Absen sudah tercatat; admin unit akan memeriksanya.</p> : null}
      {home}
    </div>
  );
}

function ahead(): Promise<Early> | null {
  return navigator.onLine ? askAhead() : null;
}

export function Checkin({ kind }: { kind: Kind }) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const { fix, problem, now, retry } = useFix();
  const [busy, setBusy] = useState(false);
  const [action, setAction] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // The last tap's refusal as thrown (null: none); what the error line says of it follows the fix (errorShown).
  const [error, setError] = useState<unknown>(null);
  const onVideo = useCallback((v: HTMLVideoElement | null) => setVideo(v), []);
  // Asked while the camera and the GPS get ready, so the tap does not wait for it (used only while fresh).
  const [early, setEarly] = useState<Promise<Early> | null>(() => ahead());
  // The answer replaces the capture, "Coba Lagi" brings it back: the control tapped is gone, so the focus goes to
  // the answer's title, or back to the screen's heading (router.useFocusOnNewScreen's way).
  const focus = useFocusAfterTap(outcome, true);
  // A dark room at 06:45: the screen lights the face (lamp.ts); held still while a capture is under way.
  const lamp = useLamp(video, busy);

  async function capture(): Promise<void> {
    if (!video || !fix) return;
    focus.tapped();
    setBusy(true);
    setError(null);
    try {
      setOutcome(await checkIn({ type: kind, video, fix, early, onAction: setAction }));
      setEarly(null); // one use: a second try asks anew
    } catch (exc) {
      setError(() => exc); // as a value, never taken for an update
    } finally {
      setAction(null);
      setBusy(false);
    }
  }

  if (outcome) {
    return (
      <Page title={KIND_ACTION[kind]}>
        <Answer
          outcome={outcome}
          lead={focus.lead}
          onAgain={() => {
            focus.tapped();
            setOutcome(null);
          }}
        />
      </Page>
    );
  }
  const usable = usableFix(fix, now);
  return (
    <Page title={KIND_ACTION[kind]} back>
      {/* The guide (where the liveness action shows), the preview and the button on one 360×640 screen, the
          phone held upright (an upright picture is taller than wide): nothing to scroll for at the gate. */}
      {/* In a dark room (the lamp lit) the preview is smaller in a white screen, and the note under it says why;
          the lamp's toggle lies on the preview, so the guide and the button stay where they are. */}
      <div class="capture">
        <p class="guide" aria-live="assertive">
          {action ?? (busy ? "Mengirim…" : "Lihat ke kamera, wajah terang dan jelas.")}
        </p>
        <LampCamera lamp={lamp} busy={busy} video={video} onVideo={onVideo} />
        <FixLine fix={fix} problem={problem} now={now} onRetry={retry} />
        <ErrorLine message={errorShown(error, fix)} />
        <button type="button" disabled={busy || !video || !usable} onClick={() => void capture()}>
          Ambil Foto dan Kirim
        </button>
      </div>
    </Page>
  );
}
