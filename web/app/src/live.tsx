// The live camera preview and the phone's GPS fix as screen parts, with the help a refused permission needs
// (how to allow it on Android Chrome): a denied camera or location never leaves a blank screen; and the screen
// lamp that lights a face in a dark room (lamp.ts).
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { CAMERA_STOPPED, CameraError, closeCamera, type Facing, openCamera, videoReady, whenStopped } from "./camera";
import { FIX_CHECK_MS, type Fix, followFix, type GeoProblem, isFresh, staleText } from "./geo";
import { LAMP_OFF, LAMP_SAMPLE_MS, lampLit, lampNote, lampResumed, lampSeen, lampToggled, lumaReader } from "./lamp";
import { zoneHolding } from "./area";
import { cachedProfile, maxAccuracyM } from "./session";

/** How to allow `name` (Kamera, Lokasi) for SMART: in Chrome's address bar; opened from the home screen (no address
 * bar), in Chrome's site settings; and, when Android itself refuses Chrome, in the phone's settings. */
function allowSteps(name: string): string[] {
  return [
    "Ketuk ikon di kiri alamat situs (ikon gembok atau pengaturan) di bagian atas Chrome.",
    `Pilih Izin, lalu ${name}, lalu Izinkan.`,
    `Jika SMART dibuka dari layar utama: buka Chrome → ⋮ → Setelan → Setelan situs → ${name} → pilih situs SMART → Izinkan.`,
    `Jika masih ditolak: Setelan ponsel → Aplikasi → Chrome → Izin → ${name} → Izinkan.`,
    "Kembali ke sini dan ketuk Coba Lagi.",
  ];
}

const ALLOW_STEPS: Record<"camera" | "location", string[]> = {
  camera: allowSteps("Kamera"),
  location: ["Nyalakan Lokasi (GPS) ponsel dari panel pengaturan cepat (geser layar dari atas).", ...allowSteps("Lokasi")],
};

export function PermissionHelp({ what, title, onRetry }: { what: "camera" | "location"; title: string; onRetry: () => void }) {
  return (
    <div class="help" role="alert">
      <p class="help-title">{title}</p>
      <p>Cara mengizinkan di Chrome Android:</p>
      <ol>
        {ALLOW_STEPS[what].map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <button type="button" class="secondary" onClick={onRetry}>
        Coba Lagi
      </button>
    </div>
  );
}

type CameraViewProps = {
  facing: Facing;
  onVideo: (video: HTMLVideoElement | null) => void;
  /** Controls laid over the preview (its lower right corner) while it shows, none while the camera is refused. */
  children?: ComponentChildren;
};

/** The live preview of `facing`; `onVideo` gets the playing <video> (null while closed or refused). */
export function CameraView({ facing, onVideo, children }: CameraViewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<CameraError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let live = true;
    let unwatch = (): void => undefined;
    setProblem(null);
    openCamera(facing)
      .then(async (s) => {
        stream = s;
        const video = ref.current;
        if (!live || !video) return closeCamera(s);
        // A camera stopped under the page leaves a frozen picture: no capture from it, and "Coba Lagi" opens it anew
        unwatch = whenStopped(s, () => {
          if (!live) return;
          live = false;
          onVideo(null);
          setProblem(new CameraError("stopped", CAMERA_STOPPED));
        });
        video.srcObject = s;
        await video.play().catch(() => undefined);
        await videoReady(video);
        if (live) onVideo(video);
      })
      .catch((exc: unknown) => {
        if (live) setProblem(exc instanceof CameraError ? exc : new CameraError("other", String(exc)));
      });
    return () => {
      live = false;
      unwatch();
      onVideo(null);
      closeCamera(stream);
    };
  }, [facing, attempt, onVideo]);

  return (
    <div class="camera">
      {problem ? (
        problem.problem === "denied" ? (
          <PermissionHelp what="camera" title="Izin kamera ditolak." onRetry={() => setAttempt((n) => n + 1)} />
        ) : (
          <div class="help" role="alert">
            <p class="help-title">{problem.message}</p>
            <button type="button" class="secondary" onClick={() => setAttempt((n) => n + 1)}>
              Coba Lagi
            </button>
          </div>
        )
      ) : null}
      <video
        ref={ref}
        class={facing === "user" ? "mirror" : ""}
        hidden={problem !== null}
        autoplay
        muted
        playsInline
        aria-label="Pratinjau kamera"
      />
      {problem ? null : children}
    </div>
  );
}

export interface ScreenLamp {
  lit: boolean;
  note: string | null;
  toggle: () => void;
}

/** The screen lamp (lamp.ts) while `video` plays: it is read every LAMP_SAMPLE_MS, except while `held` (a capture
 * under way: its frames and photo keep one light, the guide and the button stay where they are). `lit` puts the
 * `lamp` class on the page (white all round, style.css); `note` is what the screen says of it. */
export function useLamp(video: HTMLVideoElement | null, held: boolean): ScreenLamp {
  const [lamp, setLamp] = useState(LAMP_OFF);
  useEffect(() => {
    if (!video || held) return undefined;
    const read = lumaReader(video);
    if (!read) return undefined;
    setLamp(lampResumed);
    const timer = setInterval(() => {
      if (!document.hidden) setLamp((l) => lampSeen(l, read(), Date.now()));
    }, LAMP_SAMPLE_MS);
    return () => clearInterval(timer);
  }, [video, held]);
  const lit = video !== null && lampLit(lamp); // no picture, no face to light
  useEffect(() => {
    document.documentElement.classList.toggle("lamp", lit);
    return () => document.documentElement.classList.remove("lamp");
  }, [lit]);
  return { lit, note: lit ? lampNote(lamp) : null, toggle: () => setLamp(lampToggled) };
}

/** The front camera's preview with the screen lamp (`lamp`: `useLamp`'s, read from `video`, the preview): its
 * toggle on the preview's corner (disabled while `busy`), its note under it. The check-in and the enrolment: a
 * face enrolled in a dark room is as lost as one checked in there, and it is the reference for years. */
export function LampCamera(props: { lamp: ScreenLamp; busy: boolean; video: HTMLVideoElement | null; onVideo: (video: HTMLVideoElement | null) => void }) {
  const { lamp, busy, video, onVideo } = props;
  return (
    <>
      <CameraView facing="user" onVideo={onVideo}>
        {video ? <LampToggle lit={lamp.lit} disabled={busy} onToggle={lamp.toggle} /> : null}
      </CameraView>
      <p class="lamp-note" aria-live="polite">
        {lamp.note}
      </p>
    </>
  );
}

/** "Lampu layar": the employee lights or puts out the screen lamp by hand (pressed while lit; the name stays). */
export function LampToggle({ lit, disabled, onToggle }: { lit: boolean; disabled: boolean; onToggle: () => void }) {
  return (
    <button type="button" class="lamp-toggle" aria-pressed={lit} disabled={disabled} onClick={onToggle}>
      Lampu layar
    </button>
  );
}

const GEO_TEXT: Record<GeoProblem, string> = {
  denied: "Izin lokasi ditolak.",
  unavailable: "Lokasi tidak ditemukan. Pastikan Lokasi (GPS) ponsel menyala.",
  timeout: "Lokasi belum ditemukan. Pindah ke tempat terbuka, lalu coba lagi.",
  missing: "Browser ini tidak dapat membaca lokasi. Buka SMART di Chrome.",
};

/** Follows the GPS fix while mounted; `fix` is null until the first one, and may have aged since (`isFresh` at
 * `now`, which moves on every FIX_CHECK_MS so the screen follows the fix's age). */
export function useFix(): { fix: Fix | null; problem: GeoProblem | null; now: number; retry: () => void } {
  const [fix, setFix] = useState<Fix | null>(null);
  const [problem, setProblem] = useState<GeoProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const known = useRef<Fix | null>(null);
  useEffect(() => {
    setProblem(null);
    return followFix(
      (f) => {
        known.current = f;
        setFix(f);
        setNow(Date.now());
        setProblem(null);
      },
      setProblem,
      known.current,
    );
  }, [attempt]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), FIX_CHECK_MS);
    return () => clearInterval(timer);
  }, []);
  return { fix, problem, now, retry: () => setAttempt((n) => n + 1) };
}

/** Whether the check-in may use `fix` at `now`: young enough (geo.FIX_MAX_AGE_MS), and within the stage's
 * accuracy limit or, vaguer, wholly inside one of the employee's drawn zones (`vagueButInside`), as SMART takes it. */
export function usableFix(fix: Fix | null, now: number): fix is Fix {
  return fix !== null && isFresh(fix, now) && (fix.accuracy_m <= maxAccuracyM() || vagueButInside(fix) !== null);
}

/** The work zone (of the last profile read) that holds every place a fix vaguer than the stage's limit could be,
 * or null: SMART takes such a fix (area.ts), so a teacher indoors in a large compound need not step outside. */
export function vagueButInside(fix: Fix): string | null {
  if (fix.accuracy_m <= maxAccuracyM()) return null;
  return zoneHolding(cachedProfile()?.zones ?? [], fix.latitude, fix.longitude, fix.accuracy_m);
}

/** What a screen reader is told of the fix: its state only, in one live region that stays on the screen. The
 * accuracy number changes with every fix (each second or so): spoken each time, it drowned everything else, and
 * a poor fix as an alert interrupted the reader at each change. */
const FIX_SAID = {
  searching: "Mencari lokasi GPS…",
  aged: "Lokasi GPS sudah lama. Menunggu lokasi baru…",
  poor: "Akurasi GPS kurang baik. Pindah ke tempat terbuka, lalu tunggu sebentar.",
  found: "Lokasi ditemukan.",
} as const;

type FixLineProps = { fix: Fix | null; problem: GeoProblem | null; now: number; onRetry: () => void };

export function FixLine(p: FixLineProps) {
  const [shown, said] = fixView(p);
  return (
    <>
      <p key="said" class="sr-only" aria-live="polite">
        {said}
      </p>
      {shown}
    </>
  );
}

/** The fix as shown, and what is said of it ("" where the shown part, an alert, speaks for itself). */
function fixView({ fix, problem, now, onRetry }: FixLineProps): [JSX.Element, string] {
  if (problem === "denied") return [<PermissionHelp what="location" title={GEO_TEXT.denied} onRetry={onRetry} />, ""];
  const aged = fix !== null && !isFresh(fix, now);
  if (problem && (!fix || aged)) {
    const help = (
      <div class="help" role="alert">
        {aged ? <p>{staleText(fix, now)}</p> : null}
        <p class="help-title">{GEO_TEXT[problem]}</p>
        <button type="button" class="secondary" onClick={onRetry}>
          Coba Lagi
        </button>
      </div>
    );
    return [help, ""];
  }
  if (!fix) return [<p class="gps">Mencari lokasi GPS…</p>, FIX_SAID.searching];
  if (aged) return [<p class="gps poor">{staleText(fix, now)}</p>, FIX_SAID.aged];
  const accuracy = Math.round(fix.accuracy_m);
  const limit = maxAccuracyM();
  const holding = vagueButInside(fix);
  if (holding !== null) return [<p class="gps">Lokasi ditemukan, akurasi ±{accuracy} m, seluruhnya di dalam zona {holding}</p>, FIX_SAID.found];
  if (fix.accuracy_m > limit) {
    const poor = (
      <p class="gps poor">
        Akurasi GPS ±{accuracy} m: kurang baik (harus ±{limit} m atau lebih baik). Pindah ke tempat terbuka,
        jauh dari atap dan gedung tinggi, lalu tunggu sebentar.
      </p>
    );
    return [poor, FIX_SAID.poor];
  }
  return [<p class="gps">Lokasi ditemukan, akurasi ±{accuracy} m</p>, FIX_SAID.found];
}
