// Signed links to employees' files (selfies, enrolment photos, request letters) live a few minutes from the read
// that handed them out: min(SMART_PRESIGN_TTL_S, 900) s, 5 minutes by default (decision 177). A list left open
// longer (a meeting, a phone call) holds dead links: a review's photos broken, a letter opening on S3's English
// "Request has expired" page. Before such a link is used, a list read longer ago than its links live is read again.
// Each link says how long it lives (`X-Amz-Expires`, seconds, in an S3 presigned URL's query); the age of the read
// is measured on this computer's clock alone, so a clock set wrong does not matter.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Loaded } from "../../shared/ui";

/** A link must still have this long to live when it is used: a photo on a slow link takes a while to load. */
export const LINK_MARGIN_MS = 20_000;

/** How long a signed link lives from its signing (ms), as its query says; null when it does not say. */
export function linkLifetime(url: string): number | null {
  let seconds: string | null;
  try {
    seconds = new URL(url).searchParams.get("X-Amz-Expires");
  } catch {
    return null;
  }
  return seconds && /^\d+$/.test(seconds) ? Number(seconds) * 1000 : null;
}

/** Whether any of `urls`, handed out by a read started at `readAt`, is dead (or about to die) at `now` (both by
 * this computer's clock). A link that does not say how long it lives is taken as good. */
export function expired(urls: readonly (string | null | undefined)[], readAt: number, now: number): boolean {
  return urls.some((url) => {
    const lifetime = url ? linkLifetime(url) : null;
    return lifetime !== null && now - readAt >= lifetime - LINK_MARGIN_MS;
  });
}

/** A read that handed out signed links, stamped with when it was sent (this computer's clock). */
export interface LinksRead {
  readAt: number;
}

/** `read`'s items, stamped with when the read was sent (before it: its links were signed after). */
export function stamped<T>(read: Promise<T[]>): Promise<{ items: T[] } & LinksRead> {
  const readAt = Date.now();
  return read.then((items) => ({ items, readAt }));
}

/** The read's links kept good to use. `fresh(urls)`: whether links of the current read may still be used; when they
 * have expired (the admin was away), the list is read again (once while that read is on its way) and false comes
 * back, the caller waiting for the new read instead of using a dead link. `renewing`: the read whose links were
 * found dead is still the one shown (the new read has not come, or failed). Used before an item opens, a letter
 * opens, and when a photo further down (loaded only when scrolled to) is refused. */
export function useFreshLinks(loaded: Loaded<LinksRead>): { fresh: (urls: readonly (string | null | undefined)[]) => boolean; renewing: boolean } {
  const readAt = loaded.data?.readAt ?? null;
  const [staleRead, setStaleRead] = useState<number | null>(null);
  // The read already asked for: twenty broken photos of one page ask once. Asked again once it came (or failed).
  const asked = useRef<number | null>(null);
  useEffect(() => {
    if (!loaded.loading) asked.current = null;
  }, [loaded.loading]);
  // The current read, for `fresh`, which stays the same function across renders (a table's memoised columns).
  const current = useRef({ readAt, reload: loaded.reload });
  current.current = { readAt, reload: loaded.reload };
  const fresh = useCallback((urls: readonly (string | null | undefined)[]): boolean => {
    const { readAt: at, reload } = current.current;
    const stale = at !== null && expired(urls, at, Date.now());
    setStaleRead(stale ? at : null);
    if (stale && asked.current !== at) {
      asked.current = at;
      reload();
    }
    return !stale;
  }, []);
  return { fresh, renewing: staleRead !== null && staleRead === readAt };
}
