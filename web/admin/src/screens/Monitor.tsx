// "Pemantauan": today's counts per unit (table and map), refreshed by itself every 30 s; a unit opens its
// employees' live list. Reads GET /v1/admin/monitor/summary; where a stage does not answer it yet (404), the
// same figures come from GET /v1/admin/monitor of each unit. A refresh still on its way when the next is due is
// left to finish (live.ts); a failed one keeps the figures and says from when they are. A day already over that no
// recap stored says so (its absences are not TK yet), and units sharing one zone spread around it on the map.
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../../shared/api";
import { dayText } from "../../../shared/months";
import { useConsole } from "../context";
import { useFollowedDay, useLive, type Live } from "../live";
import { centreOf, L, MapView, shapeOf, textTooltip, ZONE_STYLE } from "../map";
import { holidayNote, markerColour, notRecappedNote, recoveryNote, refreshError, refreshLine, REFRESH_S, ringOffsets, spots } from "../monitorView";
import { zonesByUnit } from "../zones";
import { href, type Route } from "../router";
import { get } from "../session";
import type { Counts, Monitor as MonitorAnswer, Summary, Unit, UnitSummary, Zone } from "../types";
import { arrival, time, today } from "../format";
import { ErrorLine, Field, Screen, Table, type Column } from "../ui";

export const REFRESH_MS = REFRESH_S * 1000;

/** The states of a working day, as the table's columns and a marker's text name them. */
export const STATES: [keyof Counts, string][] = [
  ["present", "Hadir"],
  ["late", "Terlambat"],
  ["not_yet", "Belum absen"],
  ["absent", "Tidak hadir"],
  ["leave", "Cuti/Izin"],
  ["field_duty", "Dinas luar"],
];
/** ... and those who have the day off (a Sunday, a holiday, a day without hours in their schedule). */
const ALL_STATES: [keyof Counts, string][] = [...STATES, ["off", "Libur"]];
const STATE_NAMES: Record<string, string> = Object.fromEntries(ALL_STATES);

/** A unit's day as the API answers it; `recapped` (a day already over: whether a recap stored it) where it does. */
type Row = UnitSummary & { recapped?: boolean | null };
type Day = Summary & { units: Row[] };
type UnitDay = MonitorAnswer & { recapped?: boolean | null };

async function perUnit(units: Unit[], date: string, signal: AbortSignal): Promise<Summary> {
  const rows: UnitSummary[] = [];
  const queue = [...units];
  async function worker(): Promise<void> {
    for (let u = queue.shift(); u; u = queue.shift()) {
      const m = await get<MonitorAnswer>("/v1/admin/monitor", { date, unor_id: u.unor_id }, signal);
      rows.push({ unor_id: u.unor_id, unor_nama: u.unor_nama, employee_count: u.employee_count, counts: m.counts });
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  const totals: Counts = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.counts)) totals[k as keyof Counts] = (totals[k as keyof Counts] ?? 0) + (v ?? 0);
  return { date, totals, units: rows };
}

let noSummary = false; // this stage has no summary endpoint (asked once per page load)

export async function summary(units: Unit[], date: string, signal: AbortSignal): Promise<Summary> {
  if (noSummary) return perUnit(units, date, signal);
  try {
    return await get<Summary>("/v1/admin/monitor/summary", { date }, signal);
  } catch (exc) {
    if (exc instanceof ApiError && exc.status === 404 && exc.code === "NOT_FOUND") {
      noSummary = true;
      return perUnit(units, date, signal);
    }
    throw exc;
  }
}

/** A moment as a time of day ("07.40"), or null. */
const clockOf = (at: Date | null): string | null => (at ? time(at.toISOString()) : null);

/** The line beside the date and, when the last read failed, what failed and from when the figures shown are (an
 * alert); once reads work again, since when (a status). Only these two are spoken: not the line's every refresh.
 * Then the pause of the refresh. */
function Freshness<T>({ live }: { live: Live<T> }) {
  const okAt = clockOf(live.okAt);
  return (
    <>
      <p class="hint">{refreshLine(okAt, live.loading, live.paused)}</p>
      <ErrorLine message={refreshError(live.error, okAt)} />
      <p class="hint" role="status">
        {recoveryNote(clockOf(live.recoveredAt))}
      </p>
      <label class="check">
        <input type="checkbox" checked={live.paused} onChange={(e) => live.pause(e.currentTarget.checked)} /> Jeda pembaruan otomatis
      </label>
    </>
  );
}

function Notes({ notes }: { notes: (string | null)[] }) {
  const shown = notes.filter((n): n is string => n !== null);
  return shown.length ? (
    <div role="status">
      {shown.map((n) => (
        <p key={n} class="notice">
          {n}
        </p>
      ))}
    </div>
  ) : null;
}

function Totals({ counts, stale }: { counts: Counts; stale: boolean }) {
  return (
    <dl class={stale ? "totals stale" : "totals"}>
      {ALL_STATES.map(([k, label]) => (
        <div key={k} class={`total ${k}`}>
          <dt>{label}</dt>
          <dd>{counts[k] ?? 0}</dd>
        </div>
      ))}
    </dl>
  );
}

const unitColumns: Column<Row>[] = [
  {
    label: "Unit",
    cell: (u) => (
      <>
        <a href={href(["pemantauan", u.unor_id])}>{u.unor_nama}</a>
        {u.recapped === false && u.employee_count > 0 ? <span class="tag">belum direkap</span> : null}
      </>
    ),
    sort: (u) => u.unor_nama,
  },
  { label: "Pegawai", cell: (u) => u.employee_count, sort: (u) => u.employee_count },
  ...ALL_STATES.map(([k, label]): Column<Row> => ({ label, cell: (u) => u.counts[k] ?? 0, sort: (u) => u.counts[k] ?? 0 })),
];

/** A unit's marker text: how many checked in, then every working-day state's count. */
function unitTooltip(u: UnitSummary, seen: number): string {
  const counts = STATES.map(([k, label]) => `${label} ${String(u.counts[k] ?? 0)}`).join(", ");
  return `${u.unor_nama}: ${String(seen)} dari ${String(u.employee_count)} sudah absen (${counts})`;
}

const ZONE_SHAPE: L.PathOptions = { ...ZONE_STYLE, interactive: false }; // the markers above take the pointer
const LEG: L.PolylineOptions = { color: "#52606d", weight: 1, opacity: 0.9, interactive: false };

/** A unit's marker: coloured by the share checked in, its text on hover and on keyboard focus, opened by a click or
 * Enter (a link to the unit's live list, named by its text). */
function unitMarker(u: UnitSummary, at: L.LatLng): L.CircleMarker {
  const seen = (u.counts.present ?? 0) + (u.counts.late ?? 0);
  const colour = markerColour(u.counts, u.employee_count);
  const marker = L.circleMarker(at, { radius: 9, color: colour, fillColor: colour, fillOpacity: 0.8 });
  const text = unitTooltip(u, seen);
  textTooltip(marker, text);
  const open = (): void => {
    location.hash = href(["pemantauan", u.unor_id]);
  };
  marker.on("click", open);
  marker.on("add", () => {
    const el = marker.getElement();
    if (!el) return;
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", text);
    el.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") {
        e.preventDefault();
        open();
      }
    });
    el.addEventListener("focus", () => marker.openTooltip());
    el.addEventListener("blur", () => marker.closeTooltip());
  });
  return marker;
}

/** Zones first, markers above them. Units whose (first) zone is at one spot share it: a dot marks the spot and
 * their markers stand on rings around it, a fixed number of pixels out at any zoom (placed again after each zoom or
 * move of the map; drawn on the spot until the map has its view), each joined to the spot by a thin line. */
function drawUnits(rows: Row[], zones: Map<string, Zone[]>) {
  return (m: L.Map, g: L.FeatureGroup): void => {
    const placed: { unit: Row; centre: L.LatLng }[] = [];
    for (const u of rows) {
      const own = zones.get(u.unor_id) ?? [];
      for (const z of own) {
        const shape = shapeOf(z.geometry, ZONE_SHAPE);
        if (shape) g.addLayer(shape);
      }
      const first = own[0];
      const centre = first ? centreOf(first.geometry) : null;
      if (centre) placed.push({ unit: u, centre });
    }
    const moves: (() => void)[] = [];
    for (const spot of spots(placed, (p) => [p.centre.lat, p.centre.lng])) {
      const centre = L.latLng(spot.at[0], spot.at[1]);
      const offsets = ringOffsets(spot.items.length);
      if (spot.items.length > 1) {
        const dot = L.circleMarker(centre, { radius: 3, color: "#1f2933", fillColor: "#1f2933", fillOpacity: 1, interactive: false });
        const place = (): void => {
          for (const move of moves) move();
        };
        dot.on("add", () => m.on("zoomend moveend", place));
        dot.on("remove", () => m.off("zoomend moveend", place));
        g.addLayer(dot);
      }
      spot.items.forEach((p, i) => {
        const marker = unitMarker(p.unit, centre);
        const [dx, dy] = offsets[i] ?? [0, 0];
        if (dx || dy) {
          const leg = L.polyline([centre, centre], LEG);
          g.addLayer(leg);
          moves.push(() => {
            const at = m.layerPointToLatLng(m.latLngToLayerPoint(centre).add([dx, dy]));
            marker.setLatLng(at);
            leg.setLatLngs([centre, at]);
          });
        }
        g.addLayer(marker);
      });
    }
  };
}

export function Monitor(_: { route: Route }) {
  const { units } = useConsole();
  const [date, setDate] = useFollowedDay();
  const live = useLive<Day>((signal) => summary(units, date, signal), date, REFRESH_MS);
  const [zones, setZones] = useState<Map<string, Zone[]>>(new Map());
  useEffect(() => {
    let on = true;
    void zonesByUnit(units).then((byUnit) => {
      if (on) setZones(byUnit);
    });
    return () => {
      on = false;
    };
  }, [units]);
  const day = live.data;
  const rows = day?.units ?? [];
  // Drawn again when a marker's colour or text would change (any count), not at every refresh.
  const drawKey = `${String(zones.size)}:${rows.map((r) => `${r.unor_id}=${String(r.employee_count)}${JSON.stringify(r.counts)}`).join(",")}`;
  return (
    <Screen title="Pemantauan">
      <div class="filters">
        <Field label="Tanggal" type="date" value={date} onInput={(v) => v && setDate(v)} />
        <Freshness live={live} />
      </div>
      {day ? <Notes notes={[notRecappedNote(rows), holidayNote(day.totals)]} /> : null}
      {day ? <Totals counts={day.totals} stale={live.error !== null} /> : null}
      <Table caption="Kehadiran per unit" rows={rows} columns={unitColumns} rowKey={(u) => u.unor_id} pageSize={25} loading={day === null && live.error === null} />
      <h2 class="gap">Peta unit</h2>
      <p class="hint">
        Warna penanda: hijau ≥ 80% pegawai yang bekerja hari itu sudah absen, kuning ≥ 50%, merah di bawahnya, abu-abu bila semua libur. Unit
        yang berbagi zona digambar melingkari titik zonanya.
        Klik penanda (atau pilih dengan Tab lalu tekan Enter) untuk membuka unit.
      </p>
      <MapView label="Peta unit" draw={drawUnits(rows, zones)} drawKey={drawKey} />
    </Screen>
  );
}

const liveColumns = (date: string): Column<MonitorAnswer["items"][number]>[] => [
  { label: "Nama", cell: (e) => <a href={href(["pegawai", e.nip])}>{e.nama}</a>, sort: (e) => e.nama },
  { label: "NIP", cell: (e) => e.nip, sort: (e) => e.nip },
  { label: "Status", cell: (e) => <span class={`state ${e.state}`}>{STATE_NAMES[e.state] ?? e.state}</span>, sort: (e) => e.state },
  { label: "Masuk", cell: (e) => arrival(e.check_in, date), sort: (e) => e.check_in ?? "" },
];

/** One unit's employees, live. A unit outside the caller's scope is not asked for at all. */
export function UnitLive({ route }: { route: Route }) {
  const { units, unitName } = useConsole();
  const unorId = route.segments[1] ?? "";
  const allowed = units.some((u) => u.unor_id === unorId);
  const [date, setDate] = useFollowedDay();
  const live = useLive<UnitDay | null>(
    (signal) => (allowed ? get<UnitDay>("/v1/admin/monitor", { date, unor_id: unorId }, signal) : Promise.resolve(null)),
    `${unorId}|${date}`,
    REFRESH_MS,
  );
  if (!allowed)
    return (
      <Screen title="Pemantauan">
        <p role="alert">Anda tidak memiliki akses ke unit ini.</p>
        <a href={href(["pemantauan"])}>Kembali ke Pemantauan</a>
      </Screen>
    );
  const day = live.data;
  return (
    <Screen title={unitName(unorId)}>
      <p>
        <a href={href(["pemantauan"])}>← Semua unit</a>
      </p>
      <div class="filters">
        <Field label="Tanggal" type="date" value={date} onInput={(v) => v && setDate(v)} />
        <Freshness live={live} />
      </div>
      {day ? <Notes notes={[notRecappedNote([day]), holidayNote(day.counts)]} /> : null}
      {day ? <Totals counts={day.counts} stale={live.error !== null} /> : null}
      <Table
        caption={date === today() ? "Pegawai hari ini" : `Pegawai ${dayText(date)}`}
        rows={day?.items ?? []}
        columns={liveColumns(day?.date ?? date)}
        rowKey={(e) => e.nip}
        empty="Belum ada data."
        loading={day === null && live.error === null}
      />
    </Screen>
  );
}
