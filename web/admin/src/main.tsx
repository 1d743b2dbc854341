import { render, type ComponentType } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ConsoleContext, type Console } from "./context";
import { href, useFocusOnNewScreen, useRoute, type Route } from "./router";
import { Attempts, Reviews } from "./screens/Evidence";
import { Employees, EmployeeDetail } from "./screens/Employees";
import { Login } from "./screens/Login";
import { Monitor, UnitLive } from "./screens/Monitor";
import { Holidays, Leaves, Requests, Schedules } from "./screens/Calendar";
import { Adoption, Audit, Recaps, Simpeg } from "./screens/Reports";
import * as session from "./session";
import type { Role, Session } from "./session";
import type { Unit } from "./types";
import { allPages, ErrorLine, useLoad } from "./ui";
import "./style.css";

type Screen = ComponentType<{ route: Route }>;

/** A screen kept out of the first load (h3-js, the QR generator): fetched when first opened. */
function lazy(load: () => Promise<Screen>): Screen {
  let loaded: Screen | null = null;
  return function Lazy(props: { route: Route }) {
    const [, setReady] = useState(0);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (!loaded)
        load()
          .then((s) => {
            loaded = s;
            setReady(1);
          })
          .catch(() => setError("Halaman tidak dapat dimuat. Muat ulang halaman."));
    }, []);
    if (loaded) {
      const S = loaded;
      return <S {...props} />;
    }
    return error ? <ErrorLine message={error} /> : <p aria-busy="true">Memuat…</p>;
  };
}

const Zones = lazy(() => import("./screens/Zones").then((m) => m.Zones));
const Users = lazy(() => import("./screens/Users").then((m) => m.Users));
const Fingerprint = lazy(() => import("./screens/Fingerprint").then((m) => m.Fingerprint));
const Account = lazy(() => import("./screens/Users").then((m) => m.Account));

interface NavItem {
  path: string;
  label: string;
  /** Whether the screen is this admin's (the server answers the others 403). */
  may: (s: Session) => boolean;
  screen: Screen;
}

const byRole =
  (...roles: Role[]) =>
  (s: Session): boolean =>
    roles.includes(s.role);
const ALL = byRole("unit_admin", "super_admin", "auditor");
const NAV: NavItem[] = [
  { path: "pemantauan", label: "Pemantauan", may: ALL, screen: Monitor },
  { path: "verifikasi", label: "Verifikasi", may: ALL, screen: Reviews },
  { path: "percobaan", label: "Percobaan Ditolak", may: ALL, screen: Attempts },
  { path: "pegawai", label: "Pegawai", may: ALL, screen: Employees },
  { path: "zona", label: "Zona", may: ALL, screen: Zones },
  { path: "pengajuan", label: "Pengajuan", may: ALL, screen: Requests },
  { path: "cuti", label: "Cuti & Izin", may: ALL, screen: Leaves },
  { path: "libur", label: "Hari Libur", may: ALL, screen: Holidays },
  { path: "jadwal", label: "Jadwal", may: ALL, screen: Schedules },
  { path: "rekap", label: "Rekap", may: ALL, screen: Recaps },
  { path: "adopsi", label: "Adopsi", may: ALL, screen: Adoption },
  { path: "sidik-jari", label: "Sidik Jari", may: byRole("unit_admin", "super_admin"), screen: Fingerprint },
  { path: "simpeg", label: "SIMPEG", may: byRole("super_admin"), screen: Simpeg },
  { path: "pengguna", label: "Pengguna Admin", may: byRole("super_admin"), screen: Users },
  { path: "audit", label: "Log Audit", may: ALL, screen: Audit },
  { path: "akun", label: "Akun Saya", may: ALL, screen: Account },
];

function screenOf(route: Route, s: Session): Screen | null {
  const path = route.segments[0] ?? "pemantauan";
  if (path === "pemantauan" && route.segments[1]) return UnitLive;
  if (path === "pegawai" && route.segments[1]) return EmployeeDetail;
  const item = NAV.find((n) => n.path === path);
  return item && item.may(s) ? item.screen : null;
}

function Shell({ s }: { s: Session }) {
  const route = useRoute();
  if (s.mfaSetup) return <MfaFirst s={s} route={route} />;
  return <Menu s={s} route={route} />;
}

/** A super admin who must set up two-factor login first: "Akun Saya" only, then a new login. */
function MfaFirst({ s, route }: { s: Session; route: Route }) {
  const value: Console = { session: s, units: [], unitName: (id) => id, reloadUnits: () => undefined };
  return (
    <main class="content solo">
      <p role="alert">Akun admin BKPSDM wajib memakai verifikasi dua langkah. Aktifkan dulu, lalu masuk lagi.</p>
      <ConsoleContext.Provider value={value}>
        <Account route={route} />
      </ConsoleContext.Provider>
    </main>
  );
}

function Menu({ s, route }: { s: Session; route: Route }) {
  // The phone's menu is open on the route it was opened on: a move to another screen closes it in the same render
  // (an effect would close it only after the new screen was painted beneath it)
  const [openOn, setOpenOn] = useState<Route | null>(null);
  const menuOpen = openOn === route;
  // Read again at each login (a session that ended because the admin's units changed comes back with the new ones)
  const units = useLoad((signal) => allPages<Unit>("/v1/admin/units", {}, signal), s.token);
  const value = useMemo<Console | null>(() => {
    if (!units.data) return null;
    const names = new Map(units.data.map((u) => [u.unor_id, u.unor_nama]));
    return { session: s, units: units.data, unitName: (id) => names.get(id) ?? id, reloadUnits: units.reload };
  }, [s, units.data, units.reload]);
  const current = route.segments[0] ?? "pemantauan";
  useFocusOnNewScreen(href([current, ...route.segments.slice(1)]));
  const Screen = screenOf(route, s);
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={href(["pemantauan"])}>
          SMART Admin
        </a>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setOpenOn(menuOpen ? null : route)}>
          Menu
        </button>
        <span class="who">
          {s.username} · {session.ROLE_NAMES[s.role]}
        </span>
        <button type="button" class="secondary" onClick={() => void session.logOut()}>
          Keluar
        </button>
      </header>
      <nav id="nav" class={menuOpen ? "side open" : "side"} aria-label="Menu utama">
        <ul>
          {NAV.filter((n) => n.may(s)).map((n) => (
            <li key={n.path}>
              <a href={href([n.path])} aria-current={n.path === current ? "page" : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="content">
        {units.error && !value ? (
          <>
            <ErrorLine message={units.error} />
            <button type="button" onClick={units.reload}>
              Coba lagi
            </button>
          </>
        ) : null}
        {!value ? (
          units.error ? null : <p aria-busy="true">Memuat…</p>
        ) : Screen ? (
          <ConsoleContext.Provider value={value}>
            <Screen route={route} />
          </ConsoleContext.Provider>
        ) : (
          <p role="alert">Halaman ini tidak tersedia untuk peran Anda.</p>
        )}
      </main>
    </div>
  );
}

/** The signed-in admin's screens, or the login. A session that ends by itself (401: its 12 hours are over, or a
 * super admin changed the account) leaves its screens where they are, inert under the login, so that a form being
 * filled in is there again when the same admin signs in (another admin gets fresh screens); "Keluar" leaves none. */
function App() {
  const [s, setS] = useState<Session | null>(session.current);
  const [notice, setNotice] = useState<string | null>(null);
  const [ended, setEnded] = useState<Session | null>(null);
  const shown = useRef(s);
  shown.current = s;
  useEffect(
    () =>
      session.onChange((next, expired) => {
        setNotice(expired ? "Sesi Anda berakhir. Silakan masuk lagi." : null);
        setEnded((before) => (expired ? (before ?? shown.current) : next && before?.username === next.username ? before : null));
        setS(next);
      }),
    [],
  );
  const screens = s ?? ended;
  return (
    <>
      {screens ? (
        <div inert={!s}>
          <Shell key={screens.username} s={screens} />
        </div>
      ) : null}
      {s ? null : <Login key={notice ?? ""} notice={notice} again={ended?.username ?? null} />}
    </>
  );
}

const root = document.getElementById("root");
if (root) render(<App />, root);
