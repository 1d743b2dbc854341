import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, messageOf } from "../../../shared/api";
import { busyLabel, ConfirmButton } from "../../../shared/ui";
import { REQUEST_TYPE_NAMES, ownStatusText, requestTitle } from "../../../shared/requests";
import { unanswered } from "../answers";
import { grabLetter } from "../camera";
import { CameraView } from "../live";
import { call, fileRequest } from "../session";
import type { CorrectionAllowance, Kind, RequestType, SelfRequest } from "../types";
import { appended, hasMore, pageAt, pagesUpTo, type Page as ApiPage } from "../../../shared/paging";
import { monthText } from "../../../shared/months";
import { dateText, localDay } from "../clock";
import { check, filed, type Filing, filingProblems, withdrawnByOwner } from "../forms";
import { ErrorLine, Field, Form, Page, ScreenHidden, Select, TextArea, useFocusAfterTap, useLoad, useShownAgain, useSubmit } from "../ui";

const TYPES = Object.entries(REQUEST_TYPE_NAMES) as [RequestType, string][];
const EVENT_TYPES = [
  ["in", "Masuk"],
  ["out", "Pulang"],
] as const satisfies readonly (readonly [Kind, string])[];
const OWN_REQUESTS = "/v1/me/requests";

/** One page of the employee's requests (newest first, 50 a page), at `next` or the first. */
const ownPage = (next: string | null): Promise<ApiPage<SelfRequest>> => call<ApiPage<SelfRequest>>("GET", pageAt(OWN_REQUESTS, next));
const requestId = (r: SelfRequest): string => r.request_id;

/** The photo of a letter, taken with the rear camera (never a file picker). The camera closes when the screen is
 * kept hidden under the login (main.App): it never runs unseen. Each of its buttons replaces itself, so the focus
 * follows the tap: to the camera's instruction, to the photo taken, back to "Foto Surat" once it is removed. */
function LetterPhoto({ photo, onPhoto }: { photo: string | null; onPhoto: (b64: string | null) => void }) {
  const [open, setOpen] = useState(false);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const onVideo = useCallback((v: HTMLVideoElement | null) => setVideo(v), []);
  const hidden = useContext(ScreenHidden);
  useEffect(() => {
    if (hidden) setOpen(false);
  }, [hidden]);
  const shown = photo ? "photo" : open && !hidden ? "camera" : "button";
  const { lead, tapped } = useFocusAfterTap(shown);
  if (shown === "photo") {
    return (
      <div class="field">
        <img class="letter" ref={lead} tabIndex={-1} src={`data:image/jpeg;base64,${photo}`} alt="Foto surat yang akan dikirim" />
        <button
          type="button"
          class="secondary"
          onClick={() => {
            tapped();
            onPhoto(null);
          }}
        >
          Hapus Foto Surat
        </button>
      </div>
    );
  }
  if (shown === "button") {
    return (
      <button
        type="button"
        class="secondary"
        ref={lead}
        onClick={() => {
          tapped();
          setOpen(true);
        }}
      >
        Foto Surat
      </button>
    );
  }
  return (
    <div class="field">
      <p ref={lead} tabIndex={-1}>
        Arahkan kamera ke surat, seluruh halaman terlihat dan terbaca.
      </p>
      <CameraView facing="environment" onVideo={onVideo} />
      <button
        type="button"
        disabled={!video}
        onClick={() => {
          tapped();
          if (video) onPhoto(grabLetter(video));
          setOpen(false);
        }}
      >
        Ambil Foto Surat
      </button>
    </div>
  );
}

/** How many corrections of the chosen day's month are left, told before the form is filled (the server
 * counts the same way when the request is sent; nothing is shown when the regency sets no cap or the phone
 * is offline). `version` changes after each filing or withdrawal, so the count follows. */
function CorrectionsLeft({ month, version }: { month: string; version: number }) {
  const path = `/v1/me/corrections?month=${encodeURIComponent(month)}`;
  const { data } = useLoad((signal) => call<CorrectionAllowance>("GET", path, undefined, signal), `${month}#${version}`);
  if (!data || data.month !== month || data.limit === null || data.remaining === null) return null;
  if (data.limit === 0) {
    return (
      <p class="answer refused" role="status">
        Koreksi absen tidak diizinkan: aturan yang berlaku tidak memberi jatah koreksi.
      </p>
    );
  }
  if (data.remaining === 0) {
    return (
      <p class="answer refused" role="status">
        Batas koreksi absen bulan {monthText(month)} sudah tercapai ({data.limit} kali sebulan).
      </p>
    );
  }
  const waiting = data.pending ? ` ${data.pending} masih menunggu keputusan.` : "";
  return (
    <p class="notice" role="status">
      Sisa koreksi absen bulan {monthText(month)}: {data.remaining} dari {data.limit}.{waiting}
    </p>
  );
}

/** The employee's requests; a pending one has "Batalkan", asked again before it is sent and disabled while a
 * withdrawal is on its way (`cancelling`: that request's id). */
function RequestList({ items, cancelling, onCancel }: { items: SelfRequest[]; cancelling: string | null; onCancel: (id: string) => void }) {
  if (!items.length) return <p>Belum ada pengajuan.</p>;
  return (
    <ul class="list">
      {items.map((r) => (
        <li key={r.request_id}>
          <strong>{requestTitle(r)}</strong> · {dateText(r.start_date)}
          {r.end_date !== r.start_date ? ` s.d. ${dateText(r.end_date)}` : ""}
          <br />
          <span class={r.status === "approved" ? "ok" : ""}>{ownStatusText(r)}</span>
          {r.decision_note ?? r.note ? <span> · Catatan admin: {r.decision_note ?? r.note}</span> : null}
          {r.status === "pending" ? (
            <ConfirmButton
              label="Batalkan"
              question="Batalkan pengajuan ini?"
              no="Tidak"
              busy={cancelling === r.request_id}
              disabled={cancelling !== null}
              onConfirm={() => onCancel(r.request_id)}
            />
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** "Muat lebih banyak" under a list the server has more of: disabled while a page is on its way, gone when
 * nothing is left; a page that failed to come says so above it, what is shown staying. */
function MoreButton({ shown, loading, error, onMore }: { shown: ApiPage<unknown>; loading: boolean; error: string | null; onMore: () => void }) {
  if (!hasMore(shown)) return null;
  return (
    <>
      <ErrorLine message={error} />
      <button type="button" class="secondary" disabled={loading} onClick={onMore}>
        {busyLabel(loading, "Muat lebih banyak")}
      </button>
    </>
  );
}

/** "Pengajuan": leave, permit, sick, field duty and correction requests, with a photo of the letter. */
export function Requests() {
  const today = localDay();
  const [type, setType] = useState<RequestType>("IZIN");
  const [start, setStart] = useState(today);
  const [end, setEnd] = useState(today);
  const [reason, setReason] = useState("");
  const [time, setTime] = useState("");
  const [eventType, setEventType] = useState<Kind>("in");
  const [photo, setPhoto] = useState<string | null>(null);
  const [list, setList] = useState<ApiPage<SelfRequest> | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const shownCount = useRef(0); // how many requests are shown: a list read again keeps as many
  const [sent, setSent] = useState(false);
  const [version, setVersion] = useState(0);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [withdrawn, setWithdrawn] = useState(false);
  const cancelSent = useRef(false); // a second "Ya" before the screen has changed sends nothing
  // "Ya, batalkan": the request's buttons go once the list shows it withdrawn; the focus goes to what says so.
  const afterCancel = useFocusAfterTap(withdrawn);

  useEffect(() => {
    shownCount.current = list?.items.length ?? 0;
  }, [list]);

  /** Reads the list again, as many pages as are shown (its error line cleared once it is read); `after` then sees
   * the list, so a request withdrawn far down it is found there. */
  const load = useCallback(
    (after?: (items: SelfRequest[]) => void) => {
      setVersion((v) => v + 1);
      return pagesUpTo(ownPage, shownCount.current)
        .then((shown) => {
          setList(shown);
          setListError(null);
          setMoreError(null);
          after?.(shown.items);
        })
        .catch((exc: unknown) => setListError(messageOf(exc)));
    },
    [],
  );
  useEffect(() => void load(), [load]);
  // Shown again after the same employee signed in again (kept under the login, its input intact): the list, which
  // a read in the ended session may have left refused, is read again.
  useShownAgain(() => void load());

  /** "Muat lebih banyak": the next page under the list; a page read for a list since read again is dropped. */
  async function loadMore(shown: ApiPage<SelfRequest>): Promise<void> {
    if (loadingMore || shown.next === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await ownPage(shown.next);
      setList((now) => (now?.next === shown.next ? appended(now, page, requestId) : now));
    } catch (exc) {
      setMoreError(`Pengajuan berikutnya belum termuat. ${messageOf(exc)}`);
    } finally {
      setLoadingMore(false);
    }
  }

  const { busy, error, invalid, submit } = useSubmit(async () => {
    setSent(false);
    check(...filingProblems({ type, start, end, time, reason }));
    // A correction is about one day: its end date is its start date.
    const body: Filing = {
      type,
      start_date: start,
      end_date: type === "KOREKSI" ? start : end,
      reason: reason.trim(),
    };
    if (type === "KOREKSI") Object.assign(body, { time, event_type: eventType });
    if (photo) body.attachment = photo;
    const answered = await fileRequest(body).then(
      () => true,
      async (exc: unknown) => {
        if (unanswered(exc) && (await arrived(body))) return false;
        throw exc;
      },
    );
    setReason("");
    setPhoto(null);
    setSent(true);
    if (answered) void load();
  });

  /** After a filing left unanswered: whether the list, read again, holds it (it got through, its answer lost). The
   * list is newest first, so a filing that got through is on its first page however long the list is. */
  async function arrived(body: Filing): Promise<boolean> {
    let found = false;
    await load((now) => {
      found = filed(now, body);
    });
    return found;
  }

  /** Withdraws a pending request, once: a 409 whose request the list now shows withdrawn by the employee means an
   * earlier try of this phone got through (its answer lost on a weak signal), which is what was asked; another
   * 409 (an admin decided first) is told, the list showing the decision. */
  async function cancel(id: string): Promise<void> {
    if (cancelSent.current) return;
    cancelSent.current = true;
    afterCancel.tapped();
    setCancelling(id);
    setListError(null);
    setWithdrawn(false);
    try {
      await call<unknown>("DELETE", `/v1/me/requests/${encodeURIComponent(id)}`);
      await load(() => setWithdrawn(true));
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 409)
        await load((now) => {
          if (withdrawnByOwner(now.find((r) => r.request_id === id))) setWithdrawn(true);
          else setListError(messageOf(exc));
        });
      else setListError(messageOf(exc));
    } finally {
      cancelSent.current = false;
      setCancelling(null);
    }
  }

  return (
    <Page title="Pengajuan" back>
      <Form
        action={busyLabel(busy, "Kirim Pengajuan")}
        busy={busy}
        error={error}
        invalid={invalid}
        done={sent ? "Pengajuan terkirim. Menunggu keputusan admin." : null}
        onSubmit={submit}
      >
        <Select id="jenis" label="Jenis pengajuan" value={type} options={TYPES} onChange={setType} />
        {type === "KOREKSI" ? (
          <>
            <Field id="tanggal" label="Tanggal absen" type="date" value={start} onInput={setStart} />
            {start.length === 10 ? <CorrectionsLeft month={start.slice(0, 7)} version={version} /> : null}
          </>
        ) : (
          <>
            <Field id="mulai" label="Tanggal mulai" type="date" value={start} onInput={setStart} />
            <Field id="selesai" label="Tanggal selesai" type="date" value={end} onInput={setEnd} />
          </>
        )}
        {type === "KOREKSI" ? (
          <>
            <Select id="jenis-absen" label="Absen yang dikoreksi" value={eventType} options={EVENT_TYPES} onChange={setEventType} />
            <Field id="jam" label="Jam sebenarnya" type="time" value={time} onInput={setTime} />
          </>
        ) : null}
        <TextArea id="alasan" label="Alasan" value={reason} onInput={setReason} />
        <LetterPhoto photo={photo} onPhoto={setPhoto} />
      </Form>
      <h2>Pengajuan Saya</h2>
      <ErrorLine message={listError} />
      {withdrawn ? (
        <p class="ok" role="status" tabIndex={-1} ref={afterCancel.lead}>
          Pengajuan dibatalkan.
        </p>
      ) : null}
      {list === null && !listError ? <p aria-live="polite">Memuat…</p> : null}
      {list ? (
        <>
          <RequestList items={list.items} cancelling={cancelling} onCancel={(id) => void cancel(id)} />
          <MoreButton shown={list} loading={loadingMore} error={moreError} onMore={() => void loadMore(list)} />
        </>
      ) : null}
    </Page>
  );
}
