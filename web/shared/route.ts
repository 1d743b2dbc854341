// Hash routing of both apps: the server (and the app's service worker) only ever serves the app's index.html,
// so a route is whatever follows `#`; each app reads it into its own route shape with `parse`.
import { useEffect, useState } from "preact/hooks";

/** Asks the route to be read again without a hash change (`rereadRoute`). Not a synthetic `hashchange`: other
 * listeners take that for a move to another screen (the employee app's update check reloads then, update.ts). */
const REREAD_EVENT = "smart:reread-route";

/** Reads the route again though the hash stays (an app going to the address already shown, after what it shows
 * there has changed: signing in on the login's own address). */
export function rereadRoute(): void {
  window.dispatchEvent(new Event(REREAD_EVENT));
}

/** Calls `listener` on every hash change and every `rereadRoute`; returns the function that stops it. */
export function onRouteChange(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  window.addEventListener(REREAD_EVENT, listener);
  return () => {
    window.removeEventListener("hashchange", listener);
    window.removeEventListener(REREAD_EVENT, listener);
  };
}

/** The current route, read again with `parse` on every hash change (and `rereadRoute`). */
export function useHashRoute<R>(parse: (hash: string) => R): R {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => onRouteChange(() => setRoute(parse(location.hash))), [parse]);
  return route;
}
