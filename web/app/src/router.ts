// Hash routes (`/app/#/aktivasi?nip=…&kode=…` is what the QR on the activation sheet holds): the server and the
// service worker only ever serve /app/index.html, and a route never reaches the network.
import { useLayoutEffect, useRef } from "preact/hooks";
import { rereadRoute, useHashRoute } from "../../shared/route";

export interface Route {
  path: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  return { path: path || "/", params: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)) };
}

/** Shows `path`. Already there (signing in on Home's own address, `#/`, shows the login): the route is read again,
 * so the screen follows who is signed in now instead of staying on the login form; with no hash change, which
 * the update check (update.ts) takes for a move and may reload the app on (the sign-out notice shown on the
 * login's own address, `#/masuk`, would be reloaded away). */
export function navigate(path: string): void {
  if (location.hash !== `#${path}`) location.hash = path;
  else rereadRoute();
}

export function useRoute(): Route {
  return useHashRoute(parseHash);
}

/** Which screen a route shows: the activation always, the login when asked for or signed out (whatever the route
 * says), otherwise the route's own, told apart by its query (a check-in or a check-out). */
export function screenOf(route: Route, signedIn: boolean): string {
  if (route.path === "/aktivasi") return "/aktivasi";
  if (route.path === "/masuk" || !signedIn) return "/masuk";
  const query = route.params.toString();
  return query ? `${route.path}?${query}` : route.path;
}

/** The focus on a change of screen (`screen`: what is shown; not on the first load, where the page starts at its
 * top and the screen reader reads it from there): it moves to the new screen's heading (`main h1`, focusable by
 * script only), so a screen reader says where the tap led (a hash change alone is silent, and the focus would stay
 * on a link or button no longer there), and Tab goes on from the top of the new screen. */
export function useFocusOnNewScreen(screen: string): void {
  const shown = useRef<string | null>(null);
  // Before the browser paints the new screen: with an effect after it, a field focused at once (a quick finger,
  // an autofill) could lose its focus to the heading while being typed in.
  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = screen;
    if (before === null || before === screen) return;
    document.querySelector<HTMLElement>("main h1")?.focus();
  }, [screen]);
}
