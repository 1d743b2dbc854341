// "Pemantauan": today's counts per unit (table and map), refreshed by itself every 30 s; a unit opens its
// employees' live list. Reads GET /v1/admin/monitor/summary; where a stage does not answer it yet (404), the
// same figures come from GET /v1/admin/monitor of each unit.
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../../shared/api";
import { useConsole } from "../context";
import { centreOf, L, MapView, shapeOf, ZONE_STYLE } from "../map";
import { zonesByUnit } from "../zones";
import { href, type Route } from "../router";
import { get } from "../session";
import type { Counts, Monitor as MonitorAnswer, Summary, Unit, UnitSummary, Zone } from "../types";
import { arrival, time, today } from "../format";
import { ErrorLine, Field, Screen, Table, useLoad, type Column } from "../ui";

export const REFRESH_MS = 30_000;

export const STATES: [keyof Counts, string][] = [
  ["present", "Hadir"],
  ["late", "Terlambat"],
  ["not_yet", "Belum absen"],
  ["absent", "Tidak hadir"],
  ["leave", "Cuti/Izin"],
  ["field_duty", "Dinas luar"],
];
const STATE_NAMES: Record<string, string> = { ...Object.fromEntries(STATES), off: "Libur" };

/** Reloads every REFRESH_MS while the screen is open (and at once when the tab comes back into view). */
function useRefresh(reload: () => void): Date {
  const [at, setAt] = useState(() => new Date());
  useEffect(() => {
    const tick = (): void => {
      reload();
      setAt(new Date());
    };
    const timer = window.setInterval(tick, REFRESH_MS);
    const onVisible = (): void => {
      if (document.visibilityState === "visible") tick();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [reload]);
  return at;
}

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

function Totals({ counts }: { counts: Counts }) {
  return (
    <dl class="totals">
      {STATES.map(([k, label]) => (
        <div key={k} class={`total ${k}`}>
          <dt>{label}</dt>
          <dd>{counts[k] ?? 0}</dd>
        </div>
      ))}
    </dl>
  );
}

const unitColumns: Column<UnitSummary>[] = [
  {
    label: "Unit",
    cell: (u) => <a href={href(["pemantauan", u.unor_id])}>{u.unor_nama}</a>,
    sort: (u) => u.unor_nama,
  },
  { label: "Pegawai", cell: (u) => u.employee_count, sort: (u) => u.employee_count },
  ...STATES.map(([k, label]): Column<UnitSummary> => ({ label, cell: (u) => u.counts[k] ?? 0, sort: (u) => u.counts[k] ?? 0 })),
];

/** A unit's marker text: how many checked in, then every state's count (the table's columns). */
function unitTooltip(u: UnitSummary, seen: number): string {
  const counts = STATES.map(([k, label]) => `${label} ${String(u.counts[k] ?? 0)}`).join(", ");
  return `${u.unor_nama}: ${String(seen)} dari ${String(u.employee_count)} sudah absen (${counts})`;
}

function drawUnits(rows: UnitSummary[], zones: Map<string, Zone[]>) {
  return (_m: L.Map, g: L.FeatureGroup): void => {
    for (const u of rows) {
      const own = zones.get(u.unor_id) ?? [];
      for (const z of own) {
        const shape = shapeOf(z.geometry, ZONE_STYLE);
        if (shape) g.addLayer(shape);
      }
      const first = own[0];
      const centre = first ? centreOf(first.geometry) : null;
      if (!centre) continue;
      const seen = (u.counts.present ?? 0) + (u.counts.late ?? 0);
      const share = u.employee_count ? seen / u.employee_count : 0;
      const colour = share >= 0.8 ? "#0b5d3b" : share >= 0.5 ? "#b7791f" : "#b42318";
      const marker = L.circleMarker(centre, { radius: 9, color: colour, fillColor: colour, fillOpacity: 0.8 });
      marker.bindTooltip(unitTooltip(u, seen));
      marker.on("click", () => {
        location.hash = href(["pemantauan", u.unor_id]);
      });
      g.addLayer(marker);
    }
  };
}

export function Monitor(_: { route: Route }) {
  const { units } = useConsole();
  const [date, setDate] = useState(today());
  const loaded = useLoad((signal) => summary(units, date, signal), date);
  const at = useRefresh(loaded.reload);
  const [zones, setZones] = useState<Map<string, Zone[]>>(new Map());
  useEffect(() => {
    let live = true;
    void zonesByUnit(units).then((byUnit) => {
      if (live) setZones(byUnit);
    });
    return () => {
      live = false;
    };
  }, [units]);
  const rows = loaded.data?.units ?? [];
  const drawKey = `${String(zones.size)}:${rows.map((r) => `${r.unor_id}=${String(r.counts.present ?? 0)}/${String(r.counts.late ?? 0)}`).join(",")}`;
  return (
    <Screen title="Pemantauan">
      <div class="filters">
        <Field label="Tanggal" type="date" value={date} onInput={(v) => v && setDate(v)} />
        <p class="hint" aria-live="polite">
          Diperbarui otomatis setiap 30 detik · terakhir {time(at.toISOString())}
          {loaded.loading ? " · memuat…" : ""}
        </p>
      </div>
      <ErrorLine message={loaded.error} />
      {loaded.data ? <Totals counts={loaded.data.totals} /> : null}
      <Table caption="Kehadiran per unit" rows={rows} columns={unitColumns} rowKey={(u) => u.unor_id} pageSize={25} loading={loaded.data === null && loaded.loading} />
      <h2 class="gap">Peta unit</h2>
      <p class="hint">Warna penanda: hijau ≥ 80% sudah absen, kuning ≥ 50%, merah di bawahnya. Klik penanda untuk membuka unit.</p>
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
  const [date, setDate] = useState(today());
  const loaded = useLoad(
    (signal) => (allowed ? get<MonitorAnswer>("/v1/admin/monitor", { date, unor_id: unorId }, signal) : Promise.resolve(null)),
    `${unorId}|${date}`,
  );
  const at = useRefresh(loaded.reload);
  if (!allowed)
    return (
      <Screen title="Pemantauan">
        <p role="alert">Anda tidak memiliki akses ke unit ini.</p>
        <a href={href(["pemantauan"])}>Kembali ke Pemantauan</a>
      </Screen>
    );
  return (
    <Screen title={unitName(unorId)}>
      <p>
        <a href={href(["pemantauan"])}>← Semua unit</a>
      </p>
      <div class="filters">
        <Field label="Tanggal" type="date" value={date} onInput={(v) => v && setDate(v)} />
        <p class="hint" aria-live="polite">
          Diperbarui otomatis setiap 30 detik · terakhir {time(at.toISOString())}
        </p>
      </div>
      <ErrorLine message={loaded.error} />
      {loaded.data ? <Totals counts={loaded.data.counts} /> : null}
      <Table
        caption="Pegawai hari ini"
        rows={loaded.data?.items ?? []}
        columns={liveColumns(loaded.data?.date ?? date)}
        rowKey={(e) => e.nip}
        empty="Belum ada data."
      />
    </Screen>
  );
}
