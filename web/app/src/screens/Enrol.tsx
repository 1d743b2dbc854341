import { useCallback, useState } from "preact/hooks";
import { ApiError, messageOf, NETWORK_ERROR } from "../../../shared/api";
import { grab, SELFIE_BYTES, SELFIE_PX } from "../camera";
import { LampCamera, useLamp } from "../live";
import { homeAfterFlow } from "../router";
import { cachedProfile, call } from "../session";
import { ErrorLine, Page, useFocusAfterTap } from "../ui";
import type { Profile } from "../types";

export const PHOTOS = 3;
// Three photos that are not copies of each other (SMART refuses a photo sent before): a small change of angle.
const POSE = [
  "Wajah lurus ke kamera.",
  "Geser ponsel sedikit lebih tinggi atau lebih rendah, tetap lihat ke kamera.",
  "Geser ponsel sedikit ke samping, tetap lihat ke kamera.",
];

/** Whether a refused upload may have been kept all the same: its answer never came (a weak link dropped it), or
 * SMART failed after storing it. A refusal SMART answered (4xx) kept nothing. */
function mayHaveLanded(exc: unknown): boolean {
  return exc instanceof ApiError && (exc.code === NETWORK_ERROR || exc.status >= 500);
}

/** First use: three photos from the live camera, sent for an admin's approval (`POST /v1/me/faces`). Photos sent
 * earlier and still waiting (the person left half-way, or an answer was lost) count: the screen goes on from there. */
export function Enrol() {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [sent, setSent] = useState(() => cachedProfile()?.onboarding?.faces.pending ?? 0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onVideo = useCallback((v: HTMLVideoElement | null) => setVideo(v), []);
  // A dark room: the screen lights the face (lamp.ts), held still while a photo is sent.
  const lamp = useLamp(video, busy);
  // The last photo sent, the camera and its button give way to the wait for the admin, whose title takes the focus.
  const { lead, tapped } = useFocusAfterTap(sent >= PHOTOS);

  async function take(): Promise<void> {
    if (!video) return;
    tapped();
    setBusy(true);
    setError(null);
    try {
      await call<unknown>("POST", "/v1/me/faces", { photo: grab(video, SELFIE_PX, SELFIE_BYTES) });
      setSent((n) => n + 1);
    } catch (exc) {
      setError(messageOf(exc));
      // A photo kept whose answer was lost counts: SMART says how many wait (the next photo is not one too many)
      if (mayHaveLanded(exc)) {
        void call<Profile>("GET", "/v1/me") // read, not kept: only the count is wanted here
          .then((p) => setSent((n) => Math.max(n, p.onboarding?.faces.pending ?? 0)))
          .catch(() => undefined); // still no link: the count stays until a photo goes through
      }
    } finally {
      setBusy(false);
    }
  }

  if (sent >= PHOTOS) {
    return (
      <Page title="Daftar Wajah">
        <div class="answer review" role="status">
          <p class="answer-title" tabIndex={-1} ref={lead}>
            Menunggu persetujuan admin
          </p>
          <p>Foto wajah sudah terkirim. Absen dapat dilakukan setelah admin unit menyetujuinya.</p>
          <button type="button" onClick={homeAfterFlow}>
            Kembali ke Beranda
          </button>
        </div>
      </Page>
    );
  }
  return (
    <Page title="Daftar Wajah" back>
      {/* Preview, progress and button on one phone screen (360×640): the tips come after the button, so taking a
          photo never scrolls the face out of view. */}
      <div class="enrol">
        <p class="guide" aria-live="polite">
          Lihat ke kamera
        </p>
        <LampCamera lamp={lamp} busy={busy} video={video} onVideo={onVideo} />
        <p class="pose" aria-live="polite">
          Foto terkirim: {sent} dari {PHOTOS}. {POSE[sent] ?? ""}
        </p>
        <ErrorLine message={error} />
        <button type="button" disabled={busy || !video} onClick={() => void take()}>
          {busy ? "Mengirim…" : `Ambil Foto ${sent + 1} dari ${PHOTOS}`}
        </button>
        <h2>Agar foto diterima</h2>
        <ul class="tips">
          <li>Cari tempat yang terang; cahaya dari depan, bukan dari belakang.</li>
          <li>Wajah terlihat penuh: tanpa masker, topi, atau kacamata hitam.</li>
          <li>Hanya Anda yang terlihat di kamera.</li>
        </ul>
      </div>
    </Page>
  );
}
