// Hash routes of the console (`/admin/#/pegawai?unit=…`): the server only ever serves /admin/index.html.
// A route is its path segments and its query; screens read both and link with `href(...)`.
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
