// "Verifikasi" (the review queue) and "Percobaan Ditolak" (refused check-ins kept as fraud evidence): each
// item opens beside the list with the selfie next to the enrolment photo, the face score, the reasons and a
// map of the position (with its GPS accuracy) and the unit's zones. An opened item takes the focus (its heading)
// and shows its decision first, under the heading: on a 1366x768 laptop "Setujui" is on screen without
// scrolling, two Tabs away; after a decision the next item opens the same way.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useConsole, unitOptions } from "../context";
import { L, MapView, shapeOf, textTooltip, ZONE_STYLE } from "../map";
import { useFreshLinks } from "../links";
import { zonesOf } from "../zones";
import { REFUSAL_CODES, reasonName, reasonWithCode } from "../../../shared/reasons";
import type { Route } from "../router";
import { canChange, mayChange, OWN_RECORD, type Query } from "../session";
import type { Evidence, Zone } from "../types";
import { clockMoved, count, dateTime, decimal, scoreAgainst, sentAfter, today } from "../format";
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
      personal
      drawKey={`${item.event_id}:${String(zones.length)}`}
      draw={(_m, g) => {
        for (const z of zones) {
          const shape = shapeOf(z.geometry, ZONE_STYLE);
          if (shape) g.addLayer(textTooltip(shape, z.name));
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
      <dd>
        {dateTime(item.attendance_time)}
        {offline && clockMoved(item.clock_correction_s) ? ` (${clockMoved(item.clock_correction_s) ?? ""})` : null}
      </dd>
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
      <dd>{item.face ? faceText(item.face) : "–"}</dd>
      <dt>Alasan</dt>
      <dd>{codesOf(item).map(reasonWithCode).join(", ") || "–"}</dd>
      <dt>Posisi</dt>
      <dd>
        {typeof item.latitude === "number" && typeof item.longitude === "number"
          ? // Decimal points here: a position is copied into a map app as it is written ("-6.846710, 107.485800").
            `${item.latitude.toFixed(6)}, ${item.longitude.toFixed(6)} (±${count(Math.round(item.accuracy_m ?? 0))} m)`
          : "–"}
      </dd>
      <dt>Zona</dt>
      <dd>{zoneText(item)}</dd>
      {measured ? (
        <>
          <dt>{measured[0]}</dt>
          <dd>{measured[1]}</dd>
        </>
      ) : null}
    </dl>
  );
}

function faceText(face: { score: number; threshold: number }): string {
  const [score, threshold] = scoreAgainst(face.score, face.threshold);
  return `${score} (ambang ${threshold})`;
}

/** Which absence an item is, as its heading names it: "Dewi Lestari · Pulang 06 Des 2026, 18.14". */
function itemName(item: Evidence): string {
  return `${item.nama ?? item.nip} · ${KIND[item.type] ?? item.type} ${dateTime(item.attendance_time)}`;
}

/** An opened item: its heading (focused as it opens, so a keyboard is at the item, not at the top of the page),
 * then `children` (the decision: above the long evidence), the photos, the facts and the map. */
function Detail({ item, children }: { item: Evidence; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [item.event_id]);
  return (
    <article class="evidence" aria-label={`Bukti ${item.nama ?? item.nip}`}>
      <h2 ref={heading} tabIndex={-1}>
        {itemName(item)}
      </h2>
      {children}
      <div class="photos">
        <Photo url={item.selfie_url} alt="Swafoto saat absen" />
        {/* Every approved face: a stand-in's face approved beside the employee's shows here (decision 202). */}
        {(item.enrolment_urls?.length ? item.enrolment_urls : [null]).map((url, i) => (
          <Photo key={url ?? i} url={url} alt={i === 0 ? "Foto pendaftaran wajah" : `Foto pendaftaran wajah ${String(i + 1)}`} />
        ))}
      </div>
      <Facts item={item} />
      <EvidenceMap item={item} />
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
    const km = decimal(metres / 1000, 1);
    const pace = speed === null ? "" : ` (${decimal(speed, 1)} km/jam)`;
    return ["Perpindahan", `${km} km dalam ${count(Math.round(seconds / 60))} menit${pace} dari absen sebelumnya`];
  }
  if (code === "GPS_INACCURATE") {
    const accuracy = num(d, "accuracy_m");
    const limit = num(d, "max_accuracy_m");
    return accuracy !== null && limit !== null ? ["Akurasi GPS", `±${count(Math.round(accuracy))} m (batas ±${count(limit)} m)`] : null;
  }
  return null;
}

/** The zone the attempt was judged in: "outside" only when that is why it was refused; a refusal that came before
 * the zone was judged (a mock location, an impossible jump, a vague fix, a bad challenge) records none. */
function zoneText(item: Evidence): string {
  if (item.zone) return item.zone.name;
  return codesOf(item).includes("OUTSIDE_ZONE") ? "Di luar zona" : "Tidak dinilai";
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

/** An item's signed photo links (decision 177: they live a few minutes from the read that handed them out). */
const linksOf = (e: Evidence): (string | null | undefined)[] => [e.selfie_url, ...(e.enrolment_urls ?? [])];

/** The evidence of `path` (its first 2,000 items: a screen is for working through, not for the whole regency's
 * history), when it was read (this computer's clock), and the item opened beside the list. `open` opens an item;
 * when the photo links of the read have expired meanwhile (the admin was away), the list is read again first and
 * the item waits for it (`renewing`) instead of showing broken photos. `reload`: read again anyway (a decision). */
function useEvidence(path: string, query: Query, key: string) {
  const loaded = useLoad((signal) => {
    const readAt = Date.now();
    return firstPages<Evidence>(path, query, signal, 2000).then((listing) => ({ ...listing, readAt }));
  }, key);
  const links = useFreshLinks(loaded);
  const [selected, setSelected] = useState<string | null>(null);
  const items = loaded.data?.items ?? [];
  function open(eventId: string | null, reload = false): void {
    const item = items.find((e) => e.event_id === eventId);
    if (item) links.fresh(linksOf(item));
    setSelected(eventId);
    if (reload) loaded.reload();
  }
  return { loaded, items, selected, open, renewing: links.renewing, item: items.find((e) => e.event_id === selected) ?? null };
}

type EvidenceList = ReturnType<typeof useEvidence>;

/** The list (`title` and its count as the caption) beside the opened item, or `hint` while none is open. */
function Split(p: {
  title: string;
  list: EvidenceList;
  withCode: boolean;
  hint: string;
  /** What the notice of a list cut at its limit says to see the rest (the screen's own filters). */
  rest: string;
  children?: (item: Evidence) => ComponentChildren;
}) {
  const { items, item, selected, open: openItem, renewing } = p.list;
  const listing = p.list.loaded.data;
  const open: Column<Evidence> = {
    label: "Bukti",
    cell: (e) => (
      <button
        type="button"
        class="secondary"
        aria-label={`Lihat bukti ${itemName(e)}`}
        aria-pressed={selected === e.event_id}
        onClick={() => openItem(e.event_id)}
      >
        Lihat
      </button>
    ),
  };
  return (
    <>
      <MoreNotice listing={listing} what="butir pertama" rest={p.rest} />
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
        {item && renewing ? (
          <p class="hint" role="status" aria-busy={p.list.loaded.loading || undefined}>
            {p.list.loaded.loading ? "Tautan foto sudah kedaluwarsa; memuat ulang bukti…" : "Tautan foto sudah kedaluwarsa. Tekan Lihat lagi untuk memuat ulang."}
          </p>
        ) : item ? (
          <Detail item={item}>{p.children?.(item)}</Detail>
        ) : (
          <p class="hint">{p.hint}</p>
        )}
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

/** Said when a review was decided by another admin while this one looked at it. */
export const TAKEN = "Absen ini sudah diputuskan admin lain; daftar dibaca ulang.";

export function Reviews(_: { route: Route }) {
  const { session, units } = useConsole();
  const [unit, setUnit] = useState("");
  const list = useEvidence("/v1/admin/reviews", { status: "pending", unor_id: unit }, unit);
  // The outcome, and which decision it was: the last item's outcome takes the focus (none opens after it).
  const [done, setDone] = useState<{ text: string; seq: number; last: boolean } | null>(null);
  return (
    <Screen title="Verifikasi">
      <div class="filters">
        <Select label="Unit" value={unit} onChange={setUnit} options={unitOptions(units, "Semua unit")} />
      </div>
      <ErrorLine message={list.loaded.error} />
      <Done message={done?.text ?? null} focusOn={done?.last ? done.seq : null} />
      <Split
        title="Menunggu verifikasi"
        list={list}
        withCode={false}
        hint="Pilih satu absen untuk melihat buktinya."
        rest="Putuskan butir yang tampil (atau pilih satu unit): sisanya muncul sesudahnya."
      >
        {(item) =>
          !canChange(session) ? null : !mayChange(session, item.nip) ? (
            <p class="hint" role="note">
              {OWN_RECORD}
            </p>
          ) : (
            <DecisionForm
              key={item.event_id}
              path={`/v1/admin/reviews/${encodeURIComponent(item.event_id)}`}
              subject={`absen ${itemName(item)}`}
              noteLabel="Catatan"
              onDone={(decision) => {
                // The next item opens at once (its heading focused): a unit with many offline check-ins is
                // worked through in a row.
                const next = nextAfter(list.items, item.event_id);
                const verdict = decision === "approve" ? "disetujui" : "ditolak";
                const what = `absen ${(KIND[item.type] ?? item.type).toLowerCase()} ${item.nama ?? item.nip} ${dateTime(item.attendance_time)}`;
                setDone((d) => ({ text: `Keputusan tersimpan: ${what} ${verdict}.`, seq: (d?.seq ?? 0) + 1, last: next === null }));
                list.open(next, true);
              }}
              onTaken={() => {
                // Decided by another admin meanwhile (409): the queue is read again and the next item opens.
                const next = nextAfter(list.items, item.event_id);
                setDone((d) => ({ text: TAKEN, seq: (d?.seq ?? 0) + 1, last: next === null }));
                list.open(next, true);
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
      <Split
        title="Percobaan ditolak"
        list={list}
        withCode
        hint="Pilih satu percobaan untuk melihat buktinya."
        rest="Persempit saringan (unit, tanggal, kode) untuk melihat sisanya."
      />
    </Screen>
  );
}
