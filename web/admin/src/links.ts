// Signed links to employees' files (selfies, enrolment photos, request letters) live a few minutes from the read
// that handed them out: min(SMART_PRESIGN_TTL_S, 900) s, 5 minutes by default (decision 177). A list left open
// longer (a meeting, a phone call) holds dead links: a review's photos broken, a letter opening on S3's English
// "Request has expired" page. Before such a link is used, a list read longer ago than its links live is read again.
// Each link says how long it lives (`X-Amz-Expires`, seconds, in an S3 presigned URL's query); the age of the read
// is measured on this computer's clock alone, so a clock set wrong does not matter.

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
