import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { keepStorage } from "./browser";
import { startOutbox } from "./outbox";
import { navigate, type Route, screenOf, signedInRedirect, useFocusOnNewScreen, useRoute } from "./router";
import { Activation } from "./screens/Activation";
import { Checkin } from "./screens/Checkin";
import { Enrol } from "./screens/Enrol";
import { History } from "./screens/History";
import { Home } from "./screens/Home";
import { Login } from "./screens/Login";
import { Password } from "./screens/Password";
import { Recap } from "./screens/Recap";
import { Requests } from "./screens/Requests";
import { SIGNED_OUT_EVENT, tellEndedSessions, token } from "./session";
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

function App() {
  const route = useRoute();
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    const signedOut = (e: Event): void => {
      setNotice((e as CustomEvent<string>).detail);
      navigate("/masuk");
    };
    window.addEventListener(SIGNED_OUT_EVENT, signedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signedOut);
  }, []);
  const signedIn = token() !== null;
  const shown = screenOf(route, signedIn);
  useFocusOnNewScreen(shown);
  // The login's address while signed in (Back to an old entry, a link): Beranda is shown, and the address follows.
  const redirect = signedInRedirect(route, signedIn);
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  if (shown === "/aktivasi") return <Activation params={route.params} />;
  if (shown === "/masuk") return <Login key={notice ?? ""} notice={notice} />;
  return <Screen route={route} />;
}

startOutbox();
startUpdates();
// A logout SMART did not hear (no signal when "Keluar" was tapped) is told when the app starts or signal returns.
void tellEndedSessions();
window.addEventListener("online", () => void tellEndedSessions());
if (token()) void keepStorage(); // phones signed in before the app asked (activation and login ask too)
const root = document.getElementById("root");
if (root) render(<App />, root);
