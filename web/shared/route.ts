// Hash routing of both apps: the server (and the app's service worker) only ever serves the app's index.html,
// so a route is whatever follows `#`; each app reads it into its own route shape with `parse`.
import { useEffect, useState } from "preact/hooks";

/** The current route, read again with `parse` on every hash change. */
export function useHashRoute<R>(parse: (hash: string) => R): R {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parse(location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, [parse]);
  return route;
}
