// "Verifikasi" (the review queue) and "Percobaan Ditolak" (refused check-ins kept as fraud evidence): each
// item opens beside the list with the selfie next to the enrolment photo, the face score, the reasons and a
// map of the position (with its GPS accuracy) and the unit's zones.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useConsole, unitOptions } from "../context";
import { L, MapView, shapeOf, ZONE_STYLE } from "../map";
import { zonesOf } from "../zones";
import { REFUSAL_CODES, reasonName, reasonWithCode } from "../../../shared/reasons";
import type { Route } from "../router";
import { canChange, mayChange, OWN_RECORD, type Query } from "../session";
import type { Evidence, Zone } from "../types";
import { count, dateTime, sentAfter, today } from "../format";
import { countOf, DecisionForm, Done, ErrorLine, Field, firstPages, MoreNotice, Screen, Select, Table, useLoad, type Column } from "../ui";

const KIND: Record<string, string> = { in: "Masuk", out: "Pulang" };

function Photo({ url, alt }: { url: string | null | undefined; alt: string }) {
  return (
    <figure class="photo">
      {url ? <img src={url} alt={alt} loading="lazy" referrerpolicy="no-referrer" /> : <div class="no-photo">Foto tidak tersedia</div>}
      <figcaption>{alt}</figcaption>
    </figure>
  );
}

function EvidenceMap({ item }: { item: Evidence }) {
  const { units } = useConsole();
  const [zones, setZones] = useState<Zone[]>([]);
  useEffect(() => {
    const ids = new Set(units.find((u) => u.unor_id === item.unor_id)?.zone_ids ?? []);
    if (item.zone) ids.add(item.zone.zone_id);
    let live = true;
    void zonesOf([...ids]).then((z) => live && setZones(z));
    return () => {
      live = false;
    };
  }, [item.event_id]);
  const lat = item.latitude;
  const lon = item.longitude;
  return (
    <MapView
      label="Peta posisi absen"
      class="small"
      drawKey={`${item.event_id}:${String(zones.length)}`}
      draw={(_m, g) => {
        for (const z of zones) {
          const shape = shapeOf(z.geometry, ZONE_STYLE);
          if (shape) g.addLayer(shape.bindTooltip(z.name));
        }
        if (typeof lat === "number" && typeof lon === "number") {
          if (item.accuracy_m) g.addLayer(L.circle([lat, lon], { radius: item.accuracy_m, color: "#1d4ed8", weight: 1, fillOpacity: 0.1 }));
          g.addLayer(L.circleMarker([lat, lon], { radius: 7, color: "#1d4ed8", fillColor: "#1d4ed8", fillOpacity: 1 }).bindTooltip("Posisi saat absen"));
        }
      }}
    />
  );
}

function Facts({ item }: { item: Evidence }) {
  const { unitName } = useConsole();
  const measured = measuredFact(item.code, item.details ?? {});
  // An offline capture's time is the phone's clock, which its owner can set: when SMART received it is the
  // reviewer's check (a photo "taken" at 07:25 that arrived at 10:40, right after a refusal).
  const offline = codesOf(item).includes("OFFLINE_CAPTURE");
  return (
    <dl class="facts">
      <dt>Pegawai</dt>
      <dd>
        {item.nama ?? ""} ({item.nip})
      </dd>
      <dt>Unit</dt>
      <dd>{unitName(item.unor_id)}</dd>
      <dt>Jenis</dt>
      <dd>{KIND[item.type] ?? item.type}</dd>
      <dt>{offline ? "Waktu (jam ponsel)" : "Waktu"}</dt>
      <dd>{dateTime(item.attendance_time)}</dd>
      {offline && item.received_at ? (
        <>
          <dt>Diterima SMART</dt>
          <dd>
            {dateTime(item.received_at)} ({sentAfter(item.attendance_time, item.received_at)})
          </dd>
        </>
      ) : null}
      {item.code ? (
        <>
          <dt>Kode</dt>
          <dd>{reasonWithCode(item.code)}</dd>
        </>
      ) : null}
      <dt>Skor wajah</dt>
      <dd>{item.face ? `${item.face.score.toFixed(3)} (ambang ${item.face.threshold.toFixed(3)})` : "–"}</dd>
      <dt>Alasan</dt>
      <dd>{codesOf(item).map(reasonWithCode).join(", ") || "–"}</dd>
      <dt>Posisi</dt>
      <dd>
        {typeof item.latitude === "number" && typeof item.longitude === "number"
          ? `${item.latitude.toFixed(6)}, ${item.longitude.toFixed(6)} (±${String(Math.round(item.accuracy_m ?? 0))} m)`
          : "–"}
      </dd>
      <dt>Zona</dt>
      <dd>{item.zone?.name ?? "Di luar zona"}</dd>
      {measured ? (
        <>
          <dt>{measured[0]}</dt>
          <dd>{measured[1]}</dd>
        </>
      ) : null}
    </dl>
  );
}

function Detail({ item, children }: { item: Evidence; children?: ComponentChildren }) {
  return (
    <article class="evidence" aria-label={`Bukti ${item.nama ?? item.nip}`}>
      <div class="photos">
        <Photo url={item.selfie_url} alt="Swafoto saat absen" />
        {/* Every approved face: a stand-in's face approved beside the employee's shows here (decision 202). */}
        {(item.enrolment_urls?.length ? item.enrolment_urls : [null]).map((url, i) => (
          <Photo key={url ?? i} url={url} alt={i === 0 ? "Foto pendaftaran wajah" : `Foto pendaftaran wajah ${String(i + 1)}`} />
        ))}
      </div>
      <Facts item={item} />
      <EvidenceMap item={item} />
      {children}
    </article>
  );
}

type Details = Record<string, string | number | boolean>;
const num = (d: Details, key: string): number | null => (typeof d[key] === "number" ? d[key] : null);

/** What SMART measured for a position refusal, as a fact of the evidence ([label, text]), or null:
 * OUTSIDE_ZONE: how far the edge of the nearest zone was (many refusals a few metres out: a zone drawn too
 * tight), or that the employee had no zone; IMPOSSIBLE_TRAVEL: the jump (fake GPS); GPS_INACCURATE: the fix's
 * accuracy against the limit. */
function measuredFact(code: string | undefined, d: Details): [string, string] | null {
  if (code === "OUTSIDE_ZONE") {
    if (d["zones"] === 0) return ["Jarak ke zona", "Pegawai belum memiliki zona kerja"];
    const metres = num(d, "distance_m");
    const zone = d["nearest_zone"];
    return metres !== null && typeof zone === "string" ? ["Jarak ke zona", `${count(metres)} m dari batas ${zone}`] : null;
  }
  if (code === "IMPOSSIBLE_TRAVEL") {
    const metres = num(d, "distance_m");
    const seconds = num(d, "elapsed_s");
    const speed = num(d, "speed_kmh");
    if (metres === null || seconds === null) return null;
    const km = (metres / 1000).toLocaleString("id-ID", { maximumFractionDigits: 1 });
    const pace = speed === null ? "" : ` (${speed.toLocaleString("id-ID")} km/jam)`;
    return ["Perpindahan", `${km} km dalam ${count(Math.round(seconds / 60))} menit${pace} dari absen sebelumnya`];
  }
  if (code === "GPS_INACCURATE") {
    const accuracy = num(d, "accuracy_m");
    const limit = num(d, "max_accuracy_m");
    return accuracy !== null && limit !== null ? ["Akurasi GPS", `±${count(Math.round(accuracy))} m (batas ±${count(limit)} m)`] : null;
  }
  return null;
}

/** Why the item is here: the refusal reasons, then the warnings that sent it to review (each once: a review's
 * reasons are its warnings). */
function codesOf(item: Evidence): string[] {
  return [...new Set([...item.reasons, ...(item.warnings ?? [])])];
}

function columns(withCode: boolean): Column<Evidence>[] {
  const cols: Column<Evidence>[] = [
    { label: "Waktu", cell: (e) => dateTime(e.attendance_time), sort: (e) => e.attendance_time },
    { label: "Pegawai", cell: (e) => e.nama ?? e.nip, sort: (e) => e.nama ?? e.nip },
    { label: "Jenis", cell: (e) => KIND[e.type] ?? e.type },
  ];
  if (withCode) cols.push({ label: "Kode", cell: (e) => (e.code ? reasonWithCode(e.code) : e.reasons.map(reasonWithCode).join(", ")), sort: (e) => e.code ?? "" });
  else cols.push({ label: "Alasan", cell: (e) => codesOf(e).map(reasonName).join(", ") });
  return cols;
}

/** The evidence of `path` (its first 2,000 items: a screen is for working through, not for the whole regency's
 * history) and the item opened beside the list. */
function useEvidence(path: string, query: Query, key: string) {
  const loaded = useLoad((signal) => firstPages<Evidence>(path, query, signal, 2000), key);
  const [selected, setSelected] = useState<string | null>(null);
  const items = loaded.data?.items ?? [];
  return { loaded, items, selected, setSelected, item: items.find((e) => e.event_id === selected) ?? null };
}

type EvidenceList = ReturnType<typeof useEvidence>;

/** The list (`title` and its count as the caption) beside the opened item, or `hint` while none is open. */
function Split(p: { title: string; list: EvidenceList; withCode: boolean; hint: string; children?: (item: Evidence) => ComponentChildren }) {
  const { items, item, selected, setSelected } = p.list;
  const listing = p.list.loaded.data;
  const open: Column<Evidence> = {
    label: "Bukti",
    cell: (e) => (
      <button type="button" class="secondary" aria-pressed={selected === e.event_id} onClick={() => setSelected(e.event_id)}>
        Lihat
      </button>
    ),
  };
  return (
    <>
      <MoreNotice listing={listing} what="butir pertama" rest="Persempit saringan (unit, tanggal) untuk melihat sisanya." />
      <div class="split">
        <Table
          caption={`${p.title} (${countOf(listing)})`}
          rows={items}
          columns={[...columns(p.withCode), open]}
          rowKey={(e) => e.event_id}
          pageSize={20}
          empty="Tidak ada data."
          loading={p.list.loaded.loading}
        />
        {item ? <Detail item={item}>{p.children?.(item)}</Detail> : <p class="hint">{p.hint}</p>}
      </div>
    </>
  );
}

/** The id of the item after `eventId` in `items` (the one before it when it was the last), or null. */
export function nextAfter(items: Evidence[], eventId: string): string | null {
  const at = items.findIndex((e) => e.event_id === eventId);
  const rest = items.filter((e) => e.event_id !== eventId);
  return rest[Math.min(Math.max(at, 0), rest.length - 1)]?.event_id ?? null;
}

export function Reviews(_: { route: Route }) {
  const { session, units } = useConsole();
  const [unit, setUnit] = useState("");
  const list = useEvidence("/v1/admin/reviews", { status: "pending", unor_id: unit }, unit);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Screen title="Verifikasi">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, "Semua unit")} />
      </div>
      <ErrorLine message={list.loaded.error} />
      <Done message={done} />
      <Split title="Menunggu verifikasi" list={list} withCode={false} hint="Pilih satu absen untuk melihat buktinya.">
        {(item) =>
          !canChange(session) ? null : !mayChange(session, item.nip) ? (
            <p class="hint" role="note">
              {OWN_RECORD}
            </p>
          ) : (
            <DecisionForm
              key={item.event_id}
              path={`/v1/admin/reviews/${encodeURIComponent(item.event_id)}`}
              noteLabel="Catatan"
              onDone={() => {
                setDone(`Keputusan untuk ${item.nama ?? item.nip} tersimpan.`);
                // The next item opens at once: a unit with many offline check-ins is worked through in a row.
                list.setSelected(nextAfter(list.items, item.event_id));
                list.loaded.reload();
              }}
            />
          )
        }
      </Split>
    </Screen>
  );
}

export function Attempts(_: { route: Route }) {
  const { units } = useConsole();
  const [date, setDate] = useState(today());
  const [unit, setUnit] = useState("");
  const [code, setCode] = useState("");
  const list = useEvidence("/v1/admin/attempts", { date, unor_id: unit, code }, `${date}|${unit}|${code}`);
  return (
    <Screen title="Percobaan Ditolak">
      <div class="filters">
        <Field label="Tanggal" type="date" value={date} onInput={(v) => v && setDate(v)} />
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, "Semua unit")} />
        <Select label="Kode" value={code} onChange={setCode} options={[["", "Semua kode"], ...REFUSAL_CODES.map((c): [string, string] => [c, reasonWithCode(c)])]} />
      </div>
      <ErrorLine message={list.loaded.error} />
      <Split title="Percobaan ditolak" list={list} withCode hint="Pilih satu percobaan untuk melihat buktinya." />
    </Screen>
  );
}
