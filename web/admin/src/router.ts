// Hash routes of the console (`/admin/#/pegawai?unit=…`): the server only ever serves /admin/index.html.
// A route is its path segments and its query; screens read both and link with `href(...)`.
import { useLayoutEffect, useRef } from "preact/hooks";
import { useHashRoute } from "../../shared/route";

export interface Route {
  segments: string[];
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { segments, params: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)) };
}

export function href(segments: string[], params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  return `#/${segments.map(encodeURIComponent).join("/")}${q ? `?${q}` : ""}`;
}

export function go(segments: string[], params: Record<string, string> = {}): void {
  location.hash = href(segments, params);
}

export function useRoute(): Route {
  return useHashRoute(parse);
}

/** A change of screen found no heading to focus yet (a screen fetched when first opened shows "Memuat…" first):
 * the screen's heading takes the focus as it comes (`useHeadingAwaited`). */
let headingAwaited = false;

function focusHeading(): void {
  const heading = document.querySelector<HTMLElement>("main.content h1");
  headingAwaited = heading === null;
  heading?.focus();
}

/** The focus on a change of screen (`screen`: the route's segments; a query alone, `?unit=…`, is the same one), as in
 * the employee app (decision 272): it moves to the new screen's heading (`Screen`'s h1, focusable by script only),
 * so a screen reader says where the click led and Tab goes on from the top of the new screen, instead of the focus
 * falling to the page (a phone's menu closes under the tapped link, a link in a screen leaves with it). Never on
 * the first load, where the page starts at its top; before the paint, so a field focused at once keeps its focus. */
export function useFocusOnNewScreen(screen: string): void {
  const shown = useRef<string | null>(null);
  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = screen;
    if (before !== null && before !== screen) focusHeading();
  }, [screen]);
}

/** For a screen's heading as it appears: takes the focus a change of screen left waiting for it. */
export function useHeadingAwaited(): void {
  useLayoutEffect(() => {
    if (headingAwaited) focusHeading();
  }, []);
}
