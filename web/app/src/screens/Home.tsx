import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { ApiError, messageOf } from "../../../shared/api";
import { busyLabel } from "../../../shared/ui";
import { type Delivered, dismiss, flush, OUTBOX_EVENT, type RefusedCapture, refusals, type Waiting, waiting } from "../outbox";
import { MAX_RETRY_AFTER_S, waitLeft } from "../pace";
import { navigate } from "../router";
import { cachedProfile, call, logOut, myProfile } from "../session";
import { clockOf, dateText, localDay, todayNow } from "../clock";
import { marksOf } from "../events";
import { cachedDayHolds, dayFailure, doneNote, earlyNote, type Marks, nextKind, outWaitsAfterClose, scheduleText, statusText, waitingForShown, windowNote, windowState, windowTurnsAt } from "../day";
import type { Kind, Profile, Today } from "../types";
import { ErrorLine, Page, useFocusAfterTap } from "../ui";
import { KIND_ACTION, SAVED_TITLE } from "./Checkin";
import { PHOTOS } from "./Enrol";

/** A unit without any work zone (a school not set up yet) and no field duty today: every check-in would be
 * judged outside a zone, so the employee hears it before taking a selfie, with who can fix it. */
function NoZone({ profile }: { profile: Profile }) {
  if (!profile.zones || profile.zones.length > 0 || profile.today.field_duty) return null;
  return (
    <div class="notice" role="note">
      <p class="answer-title">Zona kerja belum ditetapkan</p>
      <p>Unit Anda belum memiliki zona kerja, jadi lokasi absen belum dapat dinilai. Hubungi admin unit.</p>
    </div>
  );
}

/** Whether a face of the employee is approved (`onboarding` where SMART sends it, else `enrolled`): the check-in
 * is offered only then. */
export function faceApproved(profile: Profile): boolean {
  return profile.onboarding ? profile.onboarding.faces.approved > 0 : profile.enrolled;
}

/** Whether Beranda keeps asking SMART about the employee's faces: a day is shown and no face is approved yet (one
 * waits for the admin, none was sent, or it was rejected; an admin may also enrol one from the console). */
export function facesAwaited(profile: Profile | null): boolean {
  return profile !== null && !faceApproved(profile);
}

/** How often Beranda asks SMART again while no face is approved (and only while it is on the screen): a teacher
 * whose face the admin approves in the hall sees "Absen Masuk" within a minute, without leaving the screen (the
 * installed app has no reload button). One small read (`GET /v1/me`) a minute, of the few phones still waiting. */
export const FACES_CHECK_MS = 60_000;
/** The longest wait between those reads after reads that got no answer (a phone in the hall's corner, out of signal). */
export const FACES_CHECK_MAX_MS = 15 * 60_000;

/** The wait before the next of those reads after `failed` reads in a row without SMART's day (doubling from a
 * minute, up to FACES_CHECK_MAX_MS), and at least the `Retry-After` SMART's busy answer asked for (pace.ts's cap). */
export function facesCheckMs(failed: number, retryAfterS: number | null = null): number {
  const wait = Math.min(FACES_CHECK_MAX_MS, FACES_CHECK_MS * 2 ** failed);
  return Math.max(wait, Math.min(retryAfterS ?? 0, MAX_RETRY_AFTER_S) * 1000);
}

/** What the polite region always on Beranda says after a read of the day (`before`: the day shown until then,
 * `after`: SMART's; `tapped`: "Periksa lagi" asked for it; `at`: its time, "07.13"): the face approved at last
 * (the waiting notice goes and "Absen Masuk" comes without a word otherwise), or, to the one who asked, that it
 * still waits. Nothing for the minute's own reads that found nothing new. */
export function facesSaid(before: Profile | null, after: Profile, tapped: boolean, at: string): string {
  if (before && facesAwaited(before) && faceApproved(after)) return "Wajah Anda sudah disetujui admin. Anda sudah dapat absen.";
  if (tapped && facesAwaited(after)) return `Belum disetujui admin. Diperiksa pukul ${at}.`;
  return "";
}

/** "Periksa lagi" beside the wait for the admin: asks SMART now. While a read is under way it says so and does
 * nothing, `aria-disabled` rather than disabled, so that it keeps the focus (ui.Form's way). */
export function CheckAgain(p: { reading: boolean; onCheck: () => void }) {
  return (
    <button
      type="button"
      class="secondary"
      aria-disabled={p.reading || undefined}
      onClick={() => {
        if (!p.reading) p.onCheck();
      }}
    >
      {busyLabel(p.reading, "Periksa lagi")}
    </button>
  );
}

function Onboarding({ profile, reading, onCheck }: { profile: Profile; reading: boolean; onCheck: () => void }) {
  const faces = profile.onboarding?.faces;
  if (faceApproved(profile)) return null;
  if (faces && faces.pending > 0) {
    return (
      // The status is the wait and the photos' count; the buttons stand outside it, so that "Periksa lagi" saying
      // "Memproses…" during the minute's read does not have the whole notice read out again each minute.
      <div class="notice">
        <div role="status">
          <p class="answer-title">Menunggu persetujuan admin</p>
          <p>Foto wajah Anda sudah dikirim. Absen dapat dilakukan setelah admin unit menyetujuinya.</p>
          {faces.pending < PHOTOS ? (
            <p>
              Foto terkirim: {faces.pending} dari {PHOTOS}. Lengkapi agar wajah Anda lebih mudah dikenali.
            </p>
          ) : null}
        </div>
        <p class="muted">Selama Beranda terbuka, SMART memeriksanya sendiri: tombol Absen Masuk muncul setelah wajah disetujui.</p>
        {faces.pending < PHOTOS ? (
          <button type="button" onClick={() => navigate("/daftar-wajah")}>
            Lanjutkan Daftar Wajah
          </button>
        ) : null}
        <CheckAgain reading={reading} onCheck={onCheck} />
      </div>
    );
  }
  const rejected = faces?.last_rejection;
  if (rejected) {
    return (
      <div class="answer refused" role="alert">
        <p class="answer-title">Foto wajah ditolak</p>
        <p>{rejected.note ? `Foto wajah Anda ditolak admin: ${rejected.note}` : "Foto wajah Anda ditolak admin."}</p>
        <p class="muted">Ditolak {dateText(localDay(new Date(rejected.rejected_at)))}.</p>
        <p>Ambil foto lagi di tempat terang, wajah menghadap kamera, tanpa kacamata gelap, masker, atau topi.</p>
        <button type="button" onClick={() => navigate("/daftar-wajah")}>
          Daftar Wajah Lagi
        </button>
      </div>
    );
  }
  return (
    <div class="notice">
      <p class="answer-title">Wajah belum terdaftar</p>
      <p>Sebelum absen pertama, daftarkan wajah Anda dengan kamera ponsel (3 foto).</p>
      <button type="button" onClick={() => navigate("/daftar-wajah")}>
        Daftarkan Wajah
      </button>
    </div>
  );
}

/** When a capture was taken, as the outbox lists it: "Absen Masuk · Sabtu, 5 Desember 2026 07.12". */
function captured(type: Kind, at: string): string {
  return `${KIND_ACTION[type]} · ${dateText(localDay(new Date(at)))} ${clockOf(at)}`;
}

/** A capture SMART took after it waited on the phone, as Beranda lists it: "Absen Masuk 07.12: Absen diterima". */
function deliveredLine(d: Delivered): string {
  return `${KIND_ACTION[d.type]} ${clockOf(d.captured_at)}: ${d.message}`;
}

/** What a screen reader is told when captures that waited on the phone went out and SMART took them ("" when none
 * did): the list under "Sudah terkirim" appears without a word otherwise. Refusals are alerts of their own. */
export function deliveredSaid(done: readonly Delivered[]): string {
  const lines = done.filter((d) => d.outcome === "recorded").map(deliveredLine);
  return lines.length ? `Sudah terkirim: ${lines.join("; ")}.` : "";
}

/** Captures SMART refused after they waited on the phone, each shown until the employee has read it; "Mengerti"
 * takes its item away, and the focus goes to the next item's "Mengerti" (`lead`, the first one's). */
function Refused({ items, lead, onDismiss }: { items: RefusedCapture[]; lead: (button: HTMLElement | null) => void; onDismiss: (id: string) => void }) {
  if (!items.length) return null;
  return (
    <div class="answer refused" role="alert">
      <p class="answer-title">Ditolak</p>
      <ul>
        {items.map((w, i) => (
          <li key={w.id}>
            <p>{captured(w.body.type, w.body.captured_at)}</p>
            <p>{w.refusal?.message}</p>
            <p>{w.refusal?.next}</p>
            <button type="button" class="secondary" ref={i === 0 ? lead : null} onClick={() => onDismiss(w.id)}>
              Mengerti
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The captures waiting on the phone, SMART's refusals of them, and those it took (while Beranda is open). */
function Outbox(p: { queued: Waiting[]; delivered: Delivered[]; refused: RefusedCapture[] }) {
  const recorded = p.delivered.filter((d) => d.outcome === "recorded");
  // "Mengerti": the refusal read goes (once the outbox has put it away), and the focus with it to the next one's
  // "Mengerti", or to the screen's heading after the last.
  const afterDismiss = useFocusAfterTap(p.refused.map((w) => w.id).join(" "), true);
  if (!p.queued.length && !recorded.length && !p.refused.length) return null;
  return (
    <div class="outbox">
      <Refused
        items={p.refused}
        lead={afterDismiss.lead}
        onDismiss={(id) => {
          afterDismiss.tapped();
          void dismiss(id);
        }}
      />
      {p.queued.length ? (
        <>
          <h2>Menunggu dikirim</h2>
          <p class="muted">{SAVED_TITLE}. Buka SMART saat ada sinyal agar terkirim.</p>
          <ul>
            {p.queued.map((w) => (
              <li key={w.id}>{captured(w.body.type, w.body.captured_at)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {recorded.length ? (
        <>
          <h2>Sudah terkirim</h2>
          <ul>
            {recorded.map((d) => (
              <li key={d.id}>{deliveredLine(d)}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** Signing out while captures wait: they stay on the phone for this employee alone (a colleague signing in here
 * neither sees nor sends them), so they go out only when this employee signs in on this phone again. It replaces
 * "Keluar", so the focus goes to its "Batal" (`lead`: the step that changes nothing), which gives it back. */
function LeaveWithWaiting(p: { count: number; lead: (button: HTMLElement | null) => void; onLeave: () => void; onStay: () => void }) {
  return (
    <div class="notice" role="alert">
      <p>
        Masih ada {p.count} absen yang menunggu dikirim. Bila Anda keluar, absen itu baru dikirim setelah Anda masuk
        lagi di ponsel ini.
      </p>
      <button type="button" ref={p.lead} onClick={p.onStay}>
        Batal
      </button>
      <button type="button" class="secondary" onClick={p.onLeave}>
        Tetap Keluar
      </button>
    </div>
  );
}

/** The day as the phone kept it (the last profile read, updated by the check-ins SMART recorded since): whether
 * it still tells the working day ("day") or is of another day ("other-day"), and its marks. */
async function keptDay(): Promise<{ profile: Profile; stale: "day" | "other-day"; marks: Marks } | null> {
  const cached = cachedProfile();
  if (!cached) return null;
  const holds = cachedDayHolds(cached.today, await waiting().catch(() => []), todayNow());
  const marks = holds ? { check_in: cached.today.check_in ?? null, check_out: cached.today.check_out ?? null } : { check_in: null, check_out: null };
  return { profile: cached, stale: holds ? "day" : "other-day", marks };
}

/** "Coba Lagi" under the error line when the day's read failed and the phone keeps no day to show instead (a
 * first sign-in on a weak link, SMART's refusal): reads only run again when the connection returns or a capture
 * is delivered, and a phone that never lost its (weak) connection would stay on the error line. Disabled, saying
 * so, while the read is under way. */
export function ReadAgain(p: { profile: Profile | null; error: string | null; reading: boolean; onRetry: () => void }) {
  if (p.profile || !p.error) return null;
  return (
    <button type="button" disabled={p.reading} onClick={p.onRetry}>
      {busyLabel(p.reading, "Coba Lagi")}
    </button>
  );
}

const LONGEST_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit (about 24 days)

/** Home shown again once the day's window opens or closes while it stays open (`windowState` changes then). */
function useWindowTurns(today: Today | null): void {
  const [turns, setTurns] = useState(0);
  useEffect(() => {
    const at = windowTurnsAt(today, todayNow());
    if (!at) return undefined;
    const timer = window.setTimeout(() => setTurns((n) => n + 1), Math.min(at.getTime() - todayNow().getTime() + 500, LONGEST_TIMER_MS));
    return () => window.clearTimeout(timer);
  }, [today?.opens_at, today?.closes_at, turns]);
}

/** While no face of the employee is approved (`awaited`), the day is read again (`check`) when Beranda comes back to
 * the screen (the phone taken out of a pocket, another app closed) and `delayMs()` after the last read ended (a
 * minute; longer after reads without an answer), only while it is on the screen and never during a read: a hidden
 * Beranda reads nothing, however long. A wait the outbox keeps (pace.ts: SMART said it is busy, or the signal just
 * came back and the phones under the mast take turns) puts the read off to its end. Stops once a face is approved. */
function useFacesCheck(awaited: boolean, reading: boolean, delayMs: () => number, check: () => void): void {
  useEffect(() => {
    if (!awaited || reading) return undefined;
    let timer: number | undefined;
    const arm = (ms: number): void => {
      window.clearTimeout(timer);
      timer = window.setTimeout(tick, Math.min(ms, LONGEST_TIMER_MS));
    };
    const tick = (): void => {
      if (document.visibilityState !== "visible") return; // the return to the screen reads
      const held = waitLeft();
      if (held > 0) arm(held);
      else check();
    };
    const back = (): void => {
      if (document.visibilityState !== "visible") return;
      window.clearTimeout(timer);
      tick();
    };
    arm(delayMs());
    document.addEventListener("visibilitychange", back);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener("visibilitychange", back);
    };
  }, [awaited, reading]);
}

export function Home() {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [marks, setMarks] = useState<Marks | null>(null);
  // The day shown is the phone's copy: it tells the working day ("day"), or it is of another day ("other-day").
  // It is shown at once, while the day is read (`reading`: a weak link may take its whole time limit), and
  // stays, marked "Tanpa sinyal", when the read gets no answer.
  const [stale, setStale] = useState<"day" | "other-day" | null>(null);
  const [reading, setReading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Whether SMART's own day is shown yet (a late answer of the phone's copy must not replace it).
  const fresh = useRef(false);
  const [queued, setQueued] = useState<Waiting[]>([]);
  const [refused, setRefused] = useState<RefusedCapture[]>([]);
  const [delivered, setDelivered] = useState<Delivered[]>([]);
  // What the last delivery said to a screen reader (deliveredSaid), in a polite live region always on the screen.
  const [said, setSaid] = useState("");
  // Bumped when the outbox has delivered captures (what was sent counts at once) and when the connection returns
  // (a day shown "Tanpa sinyal" is read again, whether or not anything waited): the day is read again.
  const [reads, setReads] = useState(0);
  // "Coba Lagi" tapped (ReadAgain): once the day is shown the button is gone, and the focus goes to the heading
  // (router.useFocusOnNewScreen's way) instead of falling to the page.
  const retried = useRef(false);
  useLayoutEffect(() => {
    if (!profile || !retried.current) return;
    retried.current = false;
    document.querySelector<HTMLElement>("main h1")?.focus();
  }, [profile]);
  // The day shown until the read now under way answers (`facesSaid` tells an approval from it).
  const shownDay = useRef<Profile | null>(null);
  shownDay.current = profile;
  // While no face is approved (useFacesCheck): reads in a row that brought no day of SMART's, and the Retry-After
  // of the last one's busy answer, which put the next read off.
  const failedReads = useRef(0);
  const retryAfter = useRef<number | null>(null);
  // "Periksa lagi" tapped: its read's outcome is said, and when the face is approved its button, gone with the
  // waiting notice, leaves the focus to "Absen Masuk" (or the heading), not to the page.
  const checkTapped = useRef(false);
  const toCheckin = useRef(false);
  const checkinButton = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    if (!profile || !toCheckin.current) return;
    toCheckin.current = false;
    (checkinButton.current ?? document.querySelector<HTMLElement>("main h1"))?.focus();
  }, [profile]);

  useEffect(() => {
    const abort = new AbortController();
    const showKept = async (): Promise<void> => {
      const kept = await keptDay();
      if (!kept || abort.signal.aborted || fresh.current) return;
      setProfile(kept.profile);
      setStale(kept.stale);
      setMarks(kept.marks);
    };
    // The first read of this screen: the day kept on the phone at once, SMART's when it answers.
    if (!fresh.current && reads === 0) void showKept();
    setReading(true);
    myProfile(abort.signal)
      .then(async (p) => {
        const read = await marksOf(call, p.today, abort.signal);
        fresh.current = true;
        failedReads.current = 0;
        retryAfter.current = null;
        const tapped = checkTapped.current;
        checkTapped.current = false;
        const told = facesSaid(shownDay.current, p, tapped, clockOf(todayNow().toISOString()));
        if (told) setSaid(told);
        toCheckin.current = tapped && faceApproved(p);
        setProfile(p);
        setMarks(read);
        setStale(null);
        setError(null);
        setReading(false);
      })
      .catch(async (exc: unknown) => {
        const failure = dayFailure(exc);
        if (abort.signal.aborted || failure.kind === "signed-out") return;
        failedReads.current += 1;
        retryAfter.current = exc instanceof ApiError ? exc.retryAfterS : null;
        // "Periksa lagi" that got no answer: the kept day stays, marked "Tanpa sinyal" (no alert), so it is said
        if (checkTapped.current && failure.kind !== "refused") setSaid(messageOf(exc));
        checkTapped.current = false;
        setReading(false);
        if (failure.kind === "refused") {
          fresh.current = true; // SMART's answer: no copy of the phone's shows instead
          setProfile(null);
          setStale(null);
          setError(failure.message);
          return;
        }
        fresh.current = false; // the phone's copy again, marked "Tanpa sinyal"
        await showKept();
        setError(messageOf(exc));
      });
    return () => abort.abort();
  }, [reads]);

  useEffect(() => {
    const readOutbox = (): void => {
      void waiting().then(setQueued);
      void refusals().then(setRefused);
    };
    const refresh = (e: Event): void => {
      const done = (e as CustomEvent<Delivered[]>).detail;
      if (done.length) {
        setDelivered((prev) => [...done, ...prev]);
        setSaid((before) => deliveredSaid(done) || before);
        setReads((n) => n + 1);
      }
      readOutbox();
    };
    const online = (): void => setReads((n) => n + 1);
    window.addEventListener(OUTBOX_EVENT, refresh);
    window.addEventListener("online", online);
    readOutbox();
    void flush();
    return () => {
      window.removeEventListener(OUTBOX_EVENT, refresh);
      window.removeEventListener("online", online);
    };
  }, []);

  // "Keluar" with captures still waiting asks first: they go out only once this employee signs in here again.
  const [leaving, setLeaving] = useState(false);
  const asking = leaving && queued.length > 0;
  const afterLeave = useFocusAfterTap(asking);
  function leave(): void {
    logOut(); // forgotten on the phone at once; SMART is told in the background
    navigate("/masuk");
  }
  function ask(on: boolean): void {
    afterLeave.tapped();
    setLeaving(on);
  }

  const today = stale === "other-day" ? null : profile?.today ?? null;
  const day = today?.date ?? localDay();
  const enrolled = profile ? faceApproved(profile) : false;
  useFacesCheck(
    facesAwaited(profile),
    reading,
    () => facesCheckMs(failedReads.current, retryAfter.current),
    () => setReads((n) => n + 1),
  );
  function checkAgain(): void {
    checkTapped.current = true;
    setReads((n) => n + 1);
  }
  // On another day than the cached one, a capture made within the cached day's window (a night shift's
  // check-out in the morning after) is that day's, not today's.
  const previous = stale === "other-day" ? profile?.today : undefined;
  const shown = today ?? { date: day };
  const waitingToday = waitingForShown(queued, shown, previous);
  const kind = marks ? nextKind(marks, waitingToday) : null;
  useWindowTurns(today);
  const now = todayNow();
  const note = windowNote(today, now) ?? (marks ? earlyNote(marks) : null);
  return (
    <Page title="Beranda">
      {profile ? (
        <div class="home">
          <p class="name">{profile.nama}</p>
          <p class="muted">
            NIP {profile.nip}
            {profile.unit.unor_nama ? ` · ${profile.unit.unor_nama}` : ""}
          </p>
          <h2>{dateText(day)}</h2>
          {stale && reading ? <p class="muted" aria-live="polite">Memperbarui…</p> : null}
          {stale && !reading ? <p class="muted">Tanpa sinyal: menampilkan data terakhir di ponsel.</p> : null}
          <dl>
            <dt>Jadwal</dt>
            <dd>{scheduleText(today)}</dd>
            <dt>Status</dt>
            <dd>{marks ? statusText(today, marks, waitingToday, windowState(today, now)) : "Memuat…"}</dd>
          </dl>
          <Onboarding profile={profile} reading={reading} onCheck={checkAgain} />
          <NoZone profile={profile} />
          {enrolled && kind && note ? <p class="notice">{note}</p> : null}
          {enrolled && kind ? (
            <button type="button" class="big" ref={checkinButton} onClick={() => navigate(`/absen?jenis=${kind}`)}>
              {KIND_ACTION[kind]}
            </button>
          ) : null}
          {enrolled && marks && !kind ? <p class="muted">{doneNote(marks, outWaitsAfterClose(queued, shown))}</p> : null}
        </div>
      ) : error ? null : (
        <p aria-live="polite">Memuat…</p>
      )}
      {stale ? null : <ErrorLine message={error} />}
      <ReadAgain
        profile={profile}
        error={error}
        reading={reading}
        onRetry={() => {
          retried.current = true;
          setReads((n) => n + 1);
        }}
      />
      <Outbox queued={queued} delivered={delivered} refused={refused} />
      <p class="sr-only" aria-live="polite">
        {said}
      </p>
      {/* Shown with the day, not before it: the day's lines would push a menu shown while loading down
          under a finger already on its way to it (a tap lands on the wrong line). */}
      {profile || error ? (
        <>
          <nav class="menu" aria-label="Menu">
            <a href="#/riwayat">Riwayat</a>
            <a href="#/rekap">Rekap Bulan Ini</a>
            <a href="#/pengajuan">Pengajuan</a>
            <a href="#/sandi">Ubah Kata Sandi</a>
          </nav>
          {asking ? (
            <LeaveWithWaiting count={queued.length} lead={afterLeave.lead} onLeave={leave} onStay={() => ask(false)} />
          ) : (
            <button type="button" class="secondary" ref={afterLeave.lead} onClick={() => (queued.length ? ask(true) : leave())}>
              Keluar
            </button>
          )}
        </>
      ) : null}
    </Page>
  );
}
