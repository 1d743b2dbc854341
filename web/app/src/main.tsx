import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { rereadRoute } from "../../shared/route";
import { keepStorage } from "./browser";
import { startOutbox } from "./outbox";
import { keptFor, type KeptScreen, signedOutOn } from "./kept";
import { homeAfterFlow, navigate, parseHash, type Route, screenOf, signedInRedirect, useFocusOnNewScreen, useRoute } from "./router";
import { Activation } from "./screens/Activation";
import { Checkin } from "./screens/Checkin";
import { Enrol } from "./screens/Enrol";
import { History } from "./screens/History";
import { Home } from "./screens/Home";
import { Login } from "./screens/Login";
import { Password } from "./screens/Password";
import { Recap } from "./screens/Recap";
import { Requests } from "./screens/Requests";
import { SIGNED_OUT_EVENT, signedInNip, tellEndedSessions, token } from "./session";
import { ScreenHidden } from "./ui";
import { startUpdates } from "./update";
import "./style.css";

function Screen({ route }: { route: Route }) {
  switch (route.path) {
    case "/absen":
      return <Checkin key={route.params.get("jenis")} kind={route.params.get("jenis") === "out" ? "out" : "in"} />;
    case "/daftar-wajah":
      return <Enrol />;
    case "/riwayat":
      return <History />;
    case "/rekap":
      return <Recap />;
    case "/pengajuan":
      return <Requests />;
    case "/sandi":
      return <Password />;
    default:
      return <Home />;
  }
}

/** The signed-in employee's screen, or the login. A session that ends by itself (a 401: its 30 days are over, the
 * device was reset, the password changed on another phone) on a screen with input of the employee's own (kept.ts:
 * Pengajuan, Ubah Kata Sandi) leaves that screen where it is, hidden under the login with its state, its route
 * unchanged: the same employee signing in again finds it as it was; another employee goes to Beranda, the screen
 * dropped. Only the screen shown is kept, and only while its route stays. The activation is never left (a phone
 * activated from the QR while an old, dead token is kept keeps its NIP and code); any other screen goes to the
 * login as before. "Keluar" keeps nothing. */
function App() {
  const route = useRoute();
  const [notice, setNotice] = useState<string | null>(null);
  const [kept, setKept] = useState<KeptScreen | null>(null);
  const signedIn = token() !== null;
  const nip = signedInNip();
  // Whose the screen shown is: read when its session has ended (the phone has forgotten the NIP by then).
  const shownFor = useRef(nip);
  shownFor.current = nip;
  useEffect(() => {
    const signedOut = (e: Event): void => {
      const step = signedOutOn(parseHash(location.hash), shownFor.current);
      setNotice((e as CustomEvent<string>).detail);
      setKept(step.kept);
      if (step.toLogin) navigate("/masuk");
    };
    window.addEventListener(SIGNED_OUT_EVENT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signedOut);
  }, []);
  const keep = keptFor(kept, route, nip);
  // Shown again to its employee, or dropped (another employee, another route): nothing is kept any longer.
  useEffect(() => {
    if (kept && (signedIn || !keep)) setKept(null);
  }, [kept, keep, signedIn]);
  const shown = screenOf(route, signedIn);
  useFocusOnNewScreen(shown);
  // The login's address while signed in (Back to an old entry, a link): Beranda is shown, and the address follows.
  const redirect = signedInRedirect(route, signedIn);
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  // After a login: the kept screen again, its route unchanged (read again: the same address shows another screen
  // now), for its own employee; otherwise Beranda.
  const signedInAgain = (): void => {
    if (keptFor(kept, parseHash(location.hash), signedInNip())) rereadRoute();
    else homeAfterFlow();
  };

  // One tree whatever is shown, so that the screen stays the same component when the login comes over it and goes;
  // keyed by its employee, so that another employee's never takes over its state.
  const screen = signedIn ? shown !== "/aktivasi" : keep !== null;
  return (
    <>
      {screen ? (
        <ScreenHidden.Provider value={!signedIn}>
          <Screen key={keep?.nip ?? nip ?? ""} route={route} />
        </ScreenHidden.Provider>
      ) : null}
      {shown === "/masuk" ? <Login key={notice ?? ""} notice={notice} onSignedIn={signedInAgain} /> : null}
      {shown === "/aktivasi" ? <Activation params={route.params} /> : null}
    </>
  );
}

startOutbox();
startUpdates();
// A logout SMART did not hear (no signal when "Keluar" was tapped) is told when the app starts or signal returns.
void tellEndedSessions();
window.addEventListener("online", () => void tellEndedSessions());
if (token()) void keepStorage(); // phones signed in before the app asked (activation and login ask too)
const root = document.getElementById("root");
if (root) render(<App />, root);
