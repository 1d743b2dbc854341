// Hash routes (`/app/#/aktivasi?nip=…&kode=…` is what the QR on the activation sheet holds): the server and the
// service worker only ever serve /app/index.html, and a route never reaches the network.
import { useHashRoute } from "../../shared/route";

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

export function navigate(path: string): void {
  if (location.hash !== `#${path}`) location.hash = path;
}

export function useRoute(): Route {
  return useHashRoute(parseHash);
}
