// An answer kept with the key it was read for. Another key's answer stays on screen while the new key's read runs
// (a table shows it dimmed and closed: `aria-busy`), never once that read has failed: a filter switched (another
// unit, day, status) never leaves the previous filter's rows under the new heading for good. Pure rule, unit-tested
// (keyed.test.ts); `useLoad` uses it.

export interface Keyed<T> {
  key: string;
  data: T;
}

/** The data of `held` to show for `key`: its own key's always, another key's unless `key`'s read has failed
 * (`failed`: the key of the last read that failed, null after one that worked). */
export function heldFor<T>(held: Keyed<T> | null, key: string, failed: string | null): T | null {
  if (held === null) return null;
  return held.key === key || failed !== key ? held.data : null;
}
