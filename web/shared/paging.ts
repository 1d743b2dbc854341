// The API's lists come a page at a time (API.md: `{"items": [...], "next": <cursor or null>}`, `?next=` for the
// rest). Both apps follow `next` with these: the console to read whole lists, the employee's app to show more of
// a long list on "Muat lebih banyak".

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

/** The pages of a list from the first, followed (`read` reads the page at a cursor) until at least `least` items
 * are read or none are left: a list read again keeps as many rows as it showed. Read in one go from the first
 * page, the pages follow each other by key and none repeats an item. */
export async function pagesUpTo<T>(read: (next: string | null) => Promise<Page<T>>, least: number): Promise<Page<T>> {
  const items: T[] = [];
  let next: string | null = null;
  do {
    const page: Page<T> = await read(next);
    items.push(...page.items);
    next = page.next;
  } while (next !== null && items.length < least);
  return { items, next };
}
