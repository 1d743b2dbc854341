// An answer kept with the key it was read for: a screen shows it only while that key is still the one asked, so
// switching a filter (another unit, day, status) never leaves the previous filter's rows under the new heading,
// neither while the new answer loads nor when it fails. Pure rule, unit-tested (keyed.test.ts); `useLoad` uses it.

export interface Keyed<T> {
  key: string;
  data: T;
}

/** The data of `held` when it was read for `key`, else null (another filter's answer, or none yet). */
export function heldFor<T>(held: Keyed<T> | null, key: string): T | null {
  return held !== null && held.key === key ? held.data : null;
}
