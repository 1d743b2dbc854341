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
 * login's own address, `#/masuk`, would be reloaded away). `replace`: the address shown now leaves the history
 * (Android's Back), for a step that ends a flow: the check-in's answer, a login, an activation, an enrolment
 * done. Back from Beranda would open the spent screen again: the camera and a new challenge, a second tap refused
 * and kept as a refused attempt, the login form to someone signed in, an activation code already used. */
export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (location.hash === `#${path}`) rereadRoute();
  else if (replace) location.replace(`#${path}`); // a hash change too (the route is read on it), in place
  else location.hash = path;
}

/** Back to Beranda at the end of a flow, the flow's screen leaving the history (`navigate`'s `replace`). */
export function homeAfterFlow(): void {
  navigate("/", { replace: true });
}

export function useRoute(): Route {
  return useHashRoute(parseHash);
}

/** Which screen a route shows: the activation always (a phone handed on to a colleague is activated from the QR
 * while its first owner's session is still kept, decision 160), the login when signed out (whatever the route
 * says), Beranda for the login's address while signed in (`signedInRedirect` replaces that address), otherwise
 * the route's own, told apart by its query (a check-in or a check-out). */
export function screenOf(route: Route, signedIn: boolean): string {
  if (route.path === "/aktivasi") return "/aktivasi";
  if (!signedIn) return "/masuk";
  if (route.path === "/masuk") return "/";
  const query = route.params.toString();
  return query ? `${route.path}?${query}` : route.path;
}

/** Where a route shown to a signed-in employee is moved to, in place (`navigate`'s `replace`), or null: the
 * login's address goes to Beranda (an old `#/masuk` entry reached by Back, a link, a bookmark); signing in as
 * someone else goes through "Keluar", which warns of captures still waiting. */
export function signedInRedirect(route: Route, signedIn: boolean): string | null {
  return signedIn && route.path === "/masuk" ? "/" : null;
}

/** The focus on a change of screen (`screen`: what is shown; not on the first load, where the page starts at its
 * top and the screen reader reads it from there): it moves to the new screen's heading (`main h1`, focusable by
 * script only; never that of a screen kept hidden under the login, kept.ts), so a screen reader says where the
 * tap led (a hash change alone is silent, and the focus would stay on a link or button no longer there), and Tab
 * goes on from the top of the new screen. */
export function useFocusOnNewScreen(screen: string): void {
  const shown = useRef<string | null>(null);
  // Before the browser paints the new screen: with an effect after it, a field focused at once (a quick finger,
  // an autofill) could lose its focus to the heading while being typed in.
  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = screen;
    if (before === null || before === screen) return;
    document.querySelector<HTMLElement>("main:not([hidden]) h1")?.focus();
  }, [screen]);
}
