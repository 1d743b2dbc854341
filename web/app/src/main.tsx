import { render } from "preact";
import { useCallback, useState } from "preact/hooks";
import { navigate, useRoute } from "./router";
import { Activation } from "./screens/Activation";
import { Home } from "./screens/Home";
import { Login } from "./screens/Login";
import { token } from "./session";
import "./style.css";

function App() {
  const route = useRoute();
  const [notice, setNotice] = useState<string | null>(null);
  const signedOut = useCallback((message: string | null) => {
    setNotice(message);
    navigate("/masuk");
  }, []);

  if (route.path === "/aktivasi") return <Activation params={route.params} />;
  if (route.path === "/masuk" || !token()) return <Login key={notice ?? ""} notice={notice} />;
  return <Home onSignedOut={signedOut} />;
}

const root = document.getElementById("root");
if (root) render(<App />, root);
