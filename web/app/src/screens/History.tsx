import { call } from "../session";
import { clockOf, dateText, localDay, todayNow } from "../clock";
import { eventStatus, history, type HistoryRead } from "../events";
import { ErrorLine, Page, useLoad } from "../ui";

const KIND: Record<string, string> = { in: "Masuk", out: "Pulang" };

/** A Riwayat read that stopped at its bound (events.MOST_EVENTS) lacks the newest events: said, with the last
 * one shown, rather than a month that silently ends early. */
function Cut({ history: read }: { history: HistoryRead | null }) {
  if (!read?.cut) return null;
  const newest = read.items[0]?.attendance_time;
  const after = newest ? ` sesudah ${dateText(localDay(new Date(newest)))} ${clockOf(newest)}` : "";
  return (
    <p class="notice" role="status">
      Riwayat terlalu panjang untuk dimuat seluruhnya: absen{after} tidak ditampilkan.
    </p>
  );
}

/** "Riwayat": the employee's own check-ins of the last 30 days, newest first. */
export function History() {
  const { data, error } = useLoad((signal) => history(call, todayNow(), signal), "history");
  const items = data?.items ?? null;

  return (
    <Page title="Riwayat" back>
      <p class="muted">Absen 30 hari terakhir.</p>
      <ErrorLine message={error} />
      <Cut history={data} />
      {items === null && !error ? <p aria-live="polite">Memuat…</p> : null}
      {items?.length === 0 ? <p>Belum ada absen.</p> : null}
      <ul class="list">
        {(items ?? []).map((e) => (
          <li key={e.event_id}>
            <strong>
              {KIND[e.type ?? ""] ?? e.type} {clockOf(e.attendance_time)}
            </strong>{" "}
            · {e.attendance_time ? dateText(localDay(new Date(e.attendance_time))) : ""}
            <br />
            <span class={e.status === "accepted" ? "ok" : ""}>{eventStatus(e)}</span>
            {e.zone ? ` · ${e.zone.name}` : ""}
            {e.late_minutes ? ` · terlambat ${e.late_minutes} menit` : ""}
            {e.early_minutes ? ` · pulang awal ${e.early_minutes} menit` : ""}
            {e.decision && e.decision_note ? (
              <>
                <br />
                <span>Catatan admin: {e.decision_note}</span>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </Page>
  );
}
