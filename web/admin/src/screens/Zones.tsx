// "Zona": the zones on a map; a super admin draws a polygon (click the corners, or type them one "lat, lon" a
// line) or a circle (click the centre or type it in "Lintang"/"Bujur", a pasted "lat, lon" pair filling both;
// type the radius), sees the H3 cells that would cover it (h3-js, at the resolution the API reports for its
// zones), saves it (POST /v1/admin/zones) and assigns zones to units; "Ubah bentuk" loads a zone's shape into
// the same panel and saves it with PUT. Without a base map or a mouse every step can be typed. A zone shown
// ("Lihat", or just saved) is drawn with the cells SMART stored for it, the ones a check-in is judged against.
// Below: field-duty assignments (employees by name) with cancel. Loaded on first use (h3-js is not part of the
// console's first load).
import { polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS, cellToBoundary, uncompactCells } from "h3-js";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, UserMessage } from "../../../shared/api";
import { useConsole, unitOptions } from "../context";
import { L, MapView, shapeOf, textTooltip, ZONE_STYLE } from "../map";
import {
  allZones,
  coordinateText,
  employeeNames,
  forgetZone,
  letterLabel,
  parseCentre,
  parsePair,
  parseRadius,
  parseVertices,
  pointText,
  zone,
  type Point,
} from "../zones";
import type { Route } from "../router";
import { call, canChange, get } from "../session";
import type { Unit, Zone, ZoneSummary } from "../types";
import { addDays, count, daysText, today } from "../format";
import {
  ActionForm,
  allPages,
  checkRange,
  ConfirmButton,
  DeleteButton,
  deleteColumn,
  Done,
  ErrorLine,
  Field,
  Labelled,
  Outcome,
  Screen,
  Select,
  Submit,
  Table,
  useAction,
  useId,
  useLoad,
  type Column,
} from "../ui";

const DEFAULT_RESOLUTION = 13; // SMART_H3_RESOLUTION's default (chalicelib/settings.py)
const MAX_DRAWN_CELLS = 4000;
const EARTH_M = 6_371_008.8;

type Mode = "none" | "polygon" | "circle";

/** A circle as a 48-gon (for the cell preview only: the API keeps the true circle). */
function circleRing(lat: number, lon: number, radiusM: number): Point[] {
  const ring: Point[] = [];
  const d = radiusM / EARTH_M;
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lon * Math.PI) / 180;
  for (let i = 0; i < 48; i++) {
    const θ = (2 * Math.PI * i) / 48;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
    ring.push([(φ2 * 180) / Math.PI, (λ2 * 180) / Math.PI]);
  }
  return ring;
}

export function previewCells(ring: Point[], resolution: number): string[] {
  if (ring.length < 3) return [];
  try {
    return polygonToCellsExperimental(ring, resolution, POLYGON_TO_CELLS_FLAGS.containmentOverlapping);
  } catch {
    return [];
  }
}

/** The cells SMART stored for a zone (`GET /v1/admin/zones/{id}?cells=true`, compacted), at its resolution. */
interface StoredCells {
  zoneId: string;
  cells: string[];
}

async function storedCells(z: Zone, signal: AbortSignal): Promise<StoredCells> {
  const read = await get<Zone & { cells: string[] }>(`/v1/admin/zones/${encodeURIComponent(z.zone_id)}`, { cells: "true" }, signal);
  return { zoneId: z.zone_id, cells: uncompactCells(read.cells, read.resolution) };
}

function cellsNote(shown: Zone, stored: StoredCells | null): string {
  if (!stored) return `Memuat sel H3 zona ${shown.name}…`;
  const drawn = stored.cells.length <= MAX_DRAWN_CELLS ? "" : ` Terlalu banyak untuk digambar (lebih dari ${count(MAX_DRAWN_CELLS)}): peta hanya menampilkan bentuknya.`;
  return `Zona ${shown.name}: ${count(stored.cells.length)} sel H3 (resolusi ${String(shown.resolution)}), sel inilah yang dipakai menilai lokasi absen.${drawn}`;
}

interface Assignment {
  assignment_id: string;
  unor_id: string;
  nips: string[];
  start_date: string;
  end_date: string;
  letter_no: string;
  reason: string;
}

/** Field duties with their employees by name (read once per unit or NIP, not per row: `employeeNames`) and the
 * letter as admins know it ("Dari pengajuan pegawai" for one made by approving a request). Those overlapping the
 * dates shown, by default the API's own 30 days either side of today, said in the filter: a letter for a trip in
 * six weeks is found by moving "Sampai", not missing from a list that does not say where it ends. */
function Assignments() {
  const { session, units } = useConsole();
  const [from, setFrom] = useState(() => addDays(today(), -30));
  const [to, setTo] = useState(() => addDays(today(), 30));
  const loaded = useLoad(
    (signal) => checkRange(from, to).then(() => allPages<Assignment>("/v1/admin/assignments", { from, to }, signal)),
    `assignments|${from}|${to}`,
  );
  const letters = loaded.data ?? [];
  const everyone = [...new Set(letters.flatMap((a) => a.nips))].sort().join(",");
  const people = useLoad((signal) => (letters.length ? employeeNames(letters, units, signal) : Promise.resolve(new Map<string, string>())), `names|${everyone}|${String(units.length)}`);
  const named = people.data ?? new Map<string, string>();
  const staff = (a: Assignment): string => a.nips.map((nip) => named.get(nip) ?? nip).join(", ");
  const action = useAction();
  const columns: Column<Assignment>[] = [
    { label: "Surat tugas", cell: (a) => letterLabel(a.letter_no), sort: (a) => letterLabel(a.letter_no) },
    {
      label: "Pegawai",
      cell: (a) =>
        a.nips.map((nip) => (
          <div key={nip}>
            {named.has(nip) ? (
              <>
                {named.get(nip)} <span class="hint">{nip}</span>
              </>
            ) : (
              nip
            )}
          </div>
        )),
      sort: staff,
    },
    { label: "Tanggal", cell: (a) => daysText(a.start_date, a.end_date), sort: (a) => a.start_date },
    { label: "Keperluan", cell: (a) => a.reason },
  ];
  if (canChange(session))
    columns.push(
      deleteColumn<Assignment>({
        label: "Batalkan",
        question: (a) => `Batalkan dinas luar ${staff(a)} ${daysText(a.start_date, a.end_date)}?`,
        path: (a) => `/v1/admin/assignments/${encodeURIComponent(a.assignment_id)}`,
        done: "Dinas luar dibatalkan.",
        action,
        onDone: loaded.reload,
      }),
    );
  return (
    <section class="panel">
      <h2>Dinas luar</h2>
      <div class="filters">
        <Field label="Dari" type="date" value={from} onInput={setFrom} />
        <Field label="Sampai" type="date" value={to} onInput={setTo} />
      </div>
      <ErrorLine message={loaded.error ?? action.error} />
      {people.error ? <p class="hint">Nama pegawai tidak dapat dimuat ({people.error}); NIP-nya ditampilkan.</p> : null}
      <Done message={action.done} />
      <Table caption="Penugasan dinas luar" rows={letters} loading={loaded.loading} columns={columns} rowKey={(a) => a.assignment_id} />
    </section>
  );
}

/** PUT the unit's zones as changed from its list as read (`expected_zone_ids`): a list read before another change
 * of them (the units read at login, another assignment whose reload is not back) is refused with 409 rather than
 * taking that change back unseen. The units are read again either way, so that a second try starts from now. */
async function putUnitZones(unit: Unit, zoneIds: string[], reloadUnits: () => void): Promise<void> {
  try {
    const body = { zone_ids: zoneIds, expected_zone_ids: unit.zone_ids };
    await call("PUT", `/v1/admin/units/${encodeURIComponent(unit.unor_id)}/zones`, body);
  } finally {
    reloadUnits();
  }
}

function AssignToUnit({ zoneId, onDone }: { zoneId: string; onDone: () => void }) {
  const { units, reloadUnits } = useConsole();
  const [unit, setUnit] = useState(units[0]?.unor_id ?? "");
  const action = useAction();
  const chosen = units.find((u) => u.unor_id === unit);
  return (
    <ActionForm
      class="inline"
      label="Tetapkan zona ke unit"
      action={action}
      submit={async () => {
        if (!chosen) return null;
        await putUnitZones(chosen, [...new Set([...chosen.zone_ids, zoneId])], reloadUnits);
        onDone();
        return `Zona ditetapkan ke ${chosen.unor_nama}.`;
      }}
    >
      <Select label="Unit tujuan" value={unit} onChange={setUnit} options={unitOptions(units, null)} />
      <Submit action={action} disabled={!chosen || chosen.zone_ids.includes(zoneId)}>
        Tetapkan ke Unit
      </Submit>
      <Outcome action={action} />
    </ActionForm>
  );
}

/** Takes the zone off one of the units it is assigned to (PUT the unit's zones without it): a zone assigned to
 * the wrong unit would let that unit's employees check in there. The unit's last zone asks louder first. */
function ReleaseFromUnit({ zoneId, onDone }: { zoneId: string; onDone: () => void }) {
  const { units, reloadUnits } = useConsole();
  const holders = units.filter((u) => u.zone_ids.includes(zoneId));
  const [unit, setUnit] = useState("");
  const action = useAction();
  const chosen = holders.find((u) => u.unor_id === unit) ?? holders[0];
  if (!chosen)
    return (
      <div class="inline" role="group" aria-label="Lepaskan zona dari unit">
        <p class="hint">Zona ini belum ditetapkan ke unit mana pun.</p>
        <Outcome action={action} />
      </div>
    );
  const last = chosen.zone_ids.length === 1;
  const question = last
    ? `Ini satu-satunya zona ${chosen.unor_nama}: pegawainya tidak dapat absen sampai zona lain ditetapkan. Lepaskan?`
    : `Lepaskan zona ini dari ${chosen.unor_nama}?`;
  return (
    <div class="inline" role="group" aria-label="Lepaskan zona dari unit">
      <Select label="Unit pemakai" value={chosen.unor_id} onChange={setUnit} options={unitOptions(holders, null)} />
      <ConfirmButton
        label="Lepaskan dari Unit"
        question={question}
        onConfirm={() =>
          void action
            .run(async () => {
              await putUnitZones(chosen, chosen.zone_ids.filter((id) => id !== zoneId), reloadUnits);
              return `Zona dilepaskan dari ${chosen.unor_nama}.`;
            })
            .then(onDone)
        }
      />
      <Outcome action={action} />
    </div>
  );
}

/** A line added to the polygon's text by a click on the map. */
function withLine(text: string, line: string): string {
  const kept = text.replace(/\s+$/, "");
  return kept ? `${kept}\n${line}` : line;
}

/** What the panel says when the zone being changed was changed by another admin meanwhile (the API's 409
 * CONFLICT: the version sent is older than the zone's). */
function conflictText(z: Zone): string {
  return (
    `Zona ${z.name} sudah diubah admin lain sejak Anda membukanya, jadi perubahan Anda belum disimpan. ` +
    "Bentuk terbarunya kini tampil hijau di peta; bentuk Anda tetap di panel. Tekan Simpan Perubahan lagi untuk " +
    "tetap memakai bentuk Anda, atau Batal Ubah untuk membiarkan bentuk terbaru."
  );
}

/** The corners of a polygon, one "lat, lon" a line: typed, pasted, or added by clicks on the map. */
function VerticesField(p: { value: string; onInput: (value: string) => void }) {
  const id = useId("v");
  return (
    <Labelled id={id} label="Titik sudut">
      <textarea id={id} rows={5} spellcheck={false} autoComplete="off" value={p.value} onInput={(e) => p.onInput(e.currentTarget.value)} />
    </Labelled>
  );
}

export function Zones(_: { route: Route }) {
  const { session, units } = useConsole();
  const superAdmin = session.role === "super_admin";
  const list = useLoad((signal) => allZones(signal), "zones");
  const zones = list.data ?? [];

  const resolution = zones.find((z) => z.purpose !== "assignment")?.resolution ?? zones[0]?.resolution ?? DEFAULT_RESOLUTION;
  const [mode, setMode] = useState<Mode>("none");
  const [verticesText, setVerticesText] = useState("");
  const [latText, setLatText] = useState("");
  const [lonText, setLonText] = useState("");
  const [radius, setRadius] = useState("100");
  const [name, setName] = useState("");
  const [shown, setShown] = useState<Zone | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  /** The zone "Ubah bentuk" loaded into the panel, as read then (its version decides whether another admin
   * changed it before it is saved). */
  const [editing, setEditing] = useState<Zone | null>(null);
  const action = useAction();
  const cellRenderer = useRef(L.canvas());
  const modeRef = useRef(mode);
  modeRef.current = mode;
  /** The shape was typed (or loaded), not clicked: the map moves to it once drawn. */
  const follow = useRef(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // "Ubah bentuk" is pressed in the list below the panel: the keyboard goes on where the shape is.
  useEffect(() => {
    if (editing) heading.current?.focus();
  }, [editing?.zone_id]);

  /** "Lihat": the zone read with its geometry and shown; a failed read says why (the API's message). */
  const view = (zoneId: string): void =>
    void action.run(async () => {
      const full = await zone(zoneId);
      if (editing) stopEditing();
      setMode("none");
      setShown(full);
      return null;
    });

  const typedCentre = parseCentre(latText, lonText);
  const centre = typedCentre.point;
  const typedVertices = useMemo(() => parseVertices(verticesText), [verticesText]);
  const vertices = typedVertices.points;
  const radiusM = parseRadius(radius) ?? 0;
  const radiusProblem = parseRadius(radius) === null ? "Jari-jari harus berupa angka meter di atas 0, misalnya 100." : null;
  const problem = mode === "circle" ? (typedCentre.problem ?? radiusProblem) : mode === "polygon" ? typedVertices.problem : null;
  const ring: Point[] = useMemo(
    () => (mode === "circle" ? (centre && radiusM > 0 ? circleRing(centre[0], centre[1], radiusM) : []) : mode === "polygon" ? vertices : []),
    [mode, centre?.[0], centre?.[1], radiusM, vertices],
  );
  const cells = useMemo(() => previewCells(ring, resolution), [ring, resolution]);
  const judged = useLoad(
    (signal) => (shown ? storedCells(shown, signal) : Promise.resolve(null)),
    `cells|${shown?.zone_id ?? ""}@${String(shown?.version ?? "")}`,
  );
  const stored = judged.data && judged.data.zoneId === shown?.zone_id ? judged.data : null;
  // While drawing: the preview of the new shape; otherwise the stored cells of the zone shown.
  const drawnCells = mode === "none" ? (stored?.cells ?? []) : cells;

  function onMap(m: L.Map): void {
    m.on("click", (e: L.LeafletMouseEvent) => {
      const p: Point = [Number(e.latlng.lat.toFixed(7)), Number(e.latlng.lng.toFixed(7))];
      if (modeRef.current === "polygon") setVerticesText((t) => withLine(t, pointText(p)));
      else if (modeRef.current === "circle") {
        setLatText(coordinateText(p[0]));
        setLonText(coordinateText(p[1]));
      }
    });
  }

  function clearShape(): void {
    setVerticesText("");
    setLatText("");
    setLonText("");
  }

  function start(next: Mode): void {
    setMode(next);
    clearShape();
    setSaved(null);
  }

  /** "Ubah bentuk": the zone as stored now (read again, not from this page's copy) in the drawing panel. */
  const edit = (zoneId: string): void =>
    void action.run(async () => {
      const z = await get<Zone>(`/v1/admin/zones/${encodeURIComponent(zoneId)}`);
      const c = z.geometry.circle;
      clearShape();
      if (c) {
        setLatText(coordinateText(c.lat));
        setLonText(coordinateText(c.lon));
        setRadius(String(c.radius_m));
      } else setVerticesText((z.geometry.polygon ?? []).map(([lat, lon]) => pointText([lat ?? 0, lon ?? 0])).join("\n"));
      setName(z.name);
      setMode(c ? "circle" : "polygon");
      setEditing(z);
      setShown(z);
      setSaved(null);
      follow.current = true;
      return null;
    });

  /** Out of "Ubah bentuk": the panel empty again, for a new zone. */
  function stopEditing(): void {
    setEditing(null);
    setMode("none");
    clearShape();
    setName("");
  }

  /** Typed coordinates: a "lat, lon" pair pasted into either field fills both. */
  const pasted =
    (other: (v: string) => void, mine: 0 | 1) =>
    (v: string): string => {
      const pair = parsePair(v);
      if (!pair) return v;
      other(coordinateText(pair[mine === 0 ? 1 : 0]));
      return coordinateText(pair[mine]);
    };
  const typed =
    (set: (v: string) => void) =>
    (v: string): void => {
      follow.current = true;
      set(v);
    };

  const body = (): Record<string, unknown> => {
    if (problem) throw new UserMessage(problem);
    if (mode === "circle") {
      if (!centre) throw new UserMessage("Isi Lintang dan Bujur pusat zona, atau klik pusatnya pada peta.");
      return { name: name.trim(), circle: { lat: centre[0], lon: centre[1], radius_m: radiusM } };
    }
    if (vertices.length < 3) throw new UserMessage("Poligon perlu sedikitnya 3 titik: klik sudut-sudutnya pada peta atau tulis di Titik sudut.");
    const holes = editing?.geometry.holes;
    return holes?.length ? { name: name.trim(), polygon: vertices, holes } : { name: name.trim(), polygon: vertices };
  };

  /** Another admin changed the zone meanwhile: the newest shape shown, the admin's own kept, a second save theirs. */
  async function conflicted(zoneId: string): Promise<never> {
    const latest = await get<Zone>(`/v1/admin/zones/${encodeURIComponent(zoneId)}`);
    forgetZone(zoneId);
    setEditing(latest);
    setShown(latest);
    list.reload();
    throw new UserMessage(conflictText(latest));
  }

  async function saveChange(before: Zone): Promise<string> {
    // The version this panel read: the API refuses the change (409) when another admin changed the zone since.
    const sent = { ...body(), version: before.version };
    const path = `/v1/admin/zones/${encodeURIComponent(before.zone_id)}`;
    let z: Zone;
    try {
      z = await call<Zone>("PUT", path, sent);
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 409) return conflicted(before.zone_id);
      throw exc;
    }
    forgetZone(z.zone_id);
    stopEditing();
    setShown(z);
    return `Zona ${z.name} diubah (${count(z.cell_count)} sel H3); absen berikutnya dinilai dengan bentuk yang baru.`;
  }

  async function saveNew(): Promise<string> {
    const z = await call<{ zone_id: string; cell_count: number }>("POST", "/v1/admin/zones", body());
    setSaved(z.zone_id);
    setShown(await zone(z.zone_id));
    setMode("none");
    return `Zona tersimpan (${String(z.cell_count)} sel H3).`;
  }

  const draw = (m: L.Map, g: L.FeatureGroup): void => {
    for (const z of zones) {
      if (z.zone_id === shown?.zone_id) continue;
      const s = shapeOf(z.geometry, { ...ZONE_STYLE, color: "#64748b", fillOpacity: 0.08 });
      if (s) g.addLayer(textTooltip(s, z.name));
    }
    if (shown) {
      const s = shapeOf(shown.geometry, ZONE_STYLE);
      if (s) {
        g.addLayer(textTooltip(s, shown.name));
        if (mode === "none" && (s instanceof L.Polygon || s instanceof L.Circle)) m.fitBounds(s.getBounds(), { maxZoom: 18, animate: false });
      }
    }
    const renderer = cellRenderer.current;
    if (drawnCells.length <= MAX_DRAWN_CELLS)
      for (const c of drawnCells)
        g.addLayer(L.polygon(cellToBoundary(c) as L.LatLngTuple[], { renderer, color: "#b7791f", weight: 1, fillOpacity: 0.2 }));
    let drawn: L.Circle | L.Polygon | null = null;
    if (mode === "circle" && centre && radiusM > 0) g.addLayer((drawn = L.circle(centre, { radius: radiusM, color: "#1d4ed8", weight: 2, fill: false })));
    if (mode === "polygon" && vertices.length > 0) {
      g.addLayer((drawn = L.polygon(vertices, { color: "#1d4ed8", weight: 2, fill: false, dashArray: "4" })));
      for (const v of vertices) g.addLayer(L.circleMarker(v, { radius: 4, color: "#1d4ed8" }));
    }
    if (drawn && follow.current) {
      follow.current = false;
      m.fitBounds(drawn.getBounds(), { padding: [20, 20], maxZoom: 18, animate: false });
    }
  };
  const drawKey = `${zones.map((z) => `${z.zone_id}@${String(z.version)}`).join(",")}|${shown?.zone_id ?? ""}@${String(shown?.version ?? "")}|${mode}|${JSON.stringify(ring)}|${String(cells.length)}|${stored?.zoneId ?? ""}`;
  const fit = mode === "none" && !shown;

  const columns: Column<ZoneSummary>[] = [
    { label: "Nama", cell: (z) => z.name, sort: (z) => z.name },
    { label: "Bentuk", cell: (z) => (z.kind === "circle" ? "Lingkaran" : "Poligon"), sort: (z) => z.kind },
    { label: "Sel H3", cell: (z) => count(z.cell_count), sort: (z) => z.cell_count },
    {
      label: "Unit",
      cell: (z) =>
        units
          .filter((u) => u.zone_ids.includes(z.zone_id))
          .map((u) => u.unor_nama)
          .join(", ") || "–",
    },
    {
      label: "Aksi",
      cell: (z) => (
        <span class="buttons">
          <button type="button" class="secondary" onClick={() => view(z.zone_id)}>
            Lihat
          </button>
          {superAdmin ? (
            <button type="button" class="secondary" onClick={() => edit(z.zone_id)}>
              Ubah bentuk
            </button>
          ) : null}
          {superAdmin ? (
            <DeleteButton
              label="Hapus"
              question={`Hapus zona ${z.name}?`}
              path={`/v1/admin/zones/${encodeURIComponent(z.zone_id)}`}
              done="Zona dihapus."
              action={action}
              onDone={() => {
                forgetZone(z.zone_id);
                if (editing?.zone_id === z.zone_id) stopEditing();
                list.reload();
              }}
            />
          ) : null}
        </span>
      ),
    },
  ];

  const hint =
    mode === "polygon"
      ? `Klik sudut-sudut zona pada peta, atau tulis satu titik per baris di Titik sudut (${String(vertices.length)} titik).`
      : mode === "circle"
        ? centre
          ? `Pusat ${centre[0].toFixed(6)}, ${centre[1].toFixed(6)}.`
          : "Klik pusat zona pada peta, atau isi Lintang dan Bujur."
        : "Pilih bentuk, lalu gambar pada peta atau ketik koordinatnya.";

  return (
    <Screen title="Zona">
      <div class="split">
        <div>
          {superAdmin ? (
            <section class="panel" aria-label="Gambar zona">
              <h2 ref={heading} tabIndex={-1}>
                {editing ? `Ubah bentuk zona ${editing.name}` : "Gambar zona baru"}
              </h2>
              <div class="buttons">
                <button type="button" class="secondary" aria-pressed={mode === "polygon"} onClick={() => start("polygon")}>
                  Gambar Poligon
                </button>
                <button type="button" class="secondary" aria-pressed={mode === "circle"} onClick={() => start("circle")}>
                  Gambar Lingkaran
                </button>
                {mode !== "none" ? (
                  <button type="button" class="secondary" onClick={() => start(mode)}>
                    Ulangi
                  </button>
                ) : null}
                {editing ? (
                  <button type="button" class="secondary" onClick={stopEditing}>
                    Batal Ubah
                  </button>
                ) : null}
              </div>
              <p class="hint" role="status">
                {hint}
                {mode !== "none" && cells.length > 0 ? ` Perkiraan ${String(cells.length)} sel H3 (resolusi ${String(resolution)}).` : ""}
              </p>
              {mode === "circle" ? (
                <>
                  <Field label="Lintang" value={latText} onInput={typed(setLatText)} clean={pasted(setLonText, 0)} maxLength={60} />
                  <Field label="Bujur" value={lonText} onInput={typed(setLonText)} clean={pasted(setLatText, 1)} maxLength={60} />
                  <p class="hint">Tempel koordinat dari aplikasi peta ponsel, misalnya -6.8468, 107.4857: Lintang dan Bujur terisi keduanya.</p>
                  <Field label="Jari-jari (meter)" inputMode="numeric" value={radius} onInput={typed(setRadius)} maxLength={12} />
                </>
              ) : null}
              {mode === "polygon" ? (
                <>
                  <VerticesField value={verticesText} onInput={typed(setVerticesText)} />
                  <p class="hint">Satu titik per baris: lintang, bujur (misalnya -6.8468, 107.4857). Klik pada peta menambah satu baris.</p>
                </>
              ) : null}
              {mode !== "none" && problem ? <p class="error">{problem}</p> : null}
              {editing?.geometry.holes?.length && mode === "polygon" ? (
                <p class="hint">Lubang zona ini ({String(editing.geometry.holes.length)}) tetap dipertahankan.</p>
              ) : null}
              {mode !== "none" ? (
                <ActionForm label={editing ? "Ubah zona" : "Simpan zona"} action={action} submit={() => (editing ? saveChange(editing) : saveNew())} then={list.reload}>
                  <Field label="Nama zona" value={name} onInput={setName} required maxLength={120} />
                  <Submit action={action}>{editing ? "Simpan Perubahan" : "Simpan Zona"}</Submit>
                </ActionForm>
              ) : null}
            </section>
          ) : null}
          <ErrorLine message={action.error ?? list.error ?? judged.error} />
          <Done message={action.done} />
          {shown && mode === "none" && !judged.error ? (
            <p class="hint" role="status" aria-label="Sel H3 zona">
              {cellsNote(shown, stored)}
            </p>
          ) : null}
          {shown && canChange(session) ? (
            <section class="panel" aria-label="Tetapkan zona">
              <h2>{shown.name}</h2>
              {shown.purpose === "assignment" ? (
                <p class="hint">Area surat tugas berlaku hanya bagi pegawai yang ditugaskan, pada tanggal tugasnya; area ini tidak dapat menjadi zona kerja unit.</p>
              ) : (
                <AssignToUnit key={shown.zone_id} zoneId={shown.zone_id} onDone={list.reload} />
              )}
              <ReleaseFromUnit key={`${shown.zone_id}-release`} zoneId={shown.zone_id} onDone={list.reload} />
              {saved === shown.zone_id ? <p class="hint">Zona baru berlaku bagi pegawai unit yang ditetapkan.</p> : null}
            </section>
          ) : null}
        </div>
        <MapView label="Peta zona" draw={draw} drawKey={drawKey} fit={fit} onMap={onMap} class="tall" />
      </div>
      <Table caption="Daftar zona" rows={zones} columns={columns} rowKey={(z) => z.zone_id} pageSize={25} loading={list.loading} />
      <Assignments />
    </Screen>
  );
}
