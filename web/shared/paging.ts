// The API's lists come a page at a time (API.md: `{"items": [...], "next": <cursor or null>}`, `?next=` for the
// rest). Both apps follow `next` with these, and with no loop of their own: the console to read whole lists (or
// their first pages), the employee's app to show more of a long list on "Muat lebih banyak" and to read a range
// of its own events (Riwayat, Home).

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** `path` asking for the page at `next` (the first page when null). */
export function pageAt(path: string, next: string | null): string {
  return next === null ? path : `${path}${path.includes("?") ? "&" : "?"}next=${encodeURIComponent(next)}`;
}

/** Whether the server has more than `shown` holds (a "Muat lebih banyak" to offer). */
export function hasMore(shown: Page<unknown>): boolean {
  return shown.next !== null;
}

/** `shown` with the page read at its `next` cursor under it. The cursor is the last item's key, so a request filed
 * in between does not shift the pages; an item shown already (`key`) is still dropped rather than listed twice. */
export function appended<T>(shown: Page<T>, page: Page<T>, key: (item: T) => string): Page<T> {
  const seen = new Set(shown.items.map(key));
  return { items: shown.items.concat(page.items.filter((item) => !seen.has(key(item)))), next: page.next };
}

/** `query` asking for the page at `next` (the first page when null): `pageAt` for a client that sends its query as
 * an object (the console's `session.get`). */
export function queryAt<Q extends object>(query: Q, next: string | null): Q | (Q & { next: string }) {
  return next === null ? query : { ...query, next };
}

/** The pages of a list from the first, followed (`read` reads the page at a cursor) until at least `least` items
 * are read or none are left (`Infinity`: the whole list; 0: the first page): a list read again keeps as many rows
 * as it showed, a bounded read answers a `next` when it stopped short. `shown`, if given, sees the items read so
 * far after each page (a long list on screen before its last page). Read in one go from the first page, the pages
 * follow each other by key and none repeats an item. A page without `next` (a list answered as `{items}`, as
 * lists that fit one page once were, or a stand-in's) is the last one, not read again up to the bound. */
export async function pagesUpTo<T>(
  read: (next: string | null) => Promise<Page<T>>,
  least: number,
  shown?: (sofar: Page<T>) => void,
): Promise<Page<T>> {
  const items: T[] = [];
  let next: string | null = null;
  do {
    const page: Page<T> = await read(next);
    items.push(...page.items);
    next = page.next ?? null;
    shown?.({ items: items.slice(), next });
  } while (next !== null && items.length < least);
  return { items, next };
}
