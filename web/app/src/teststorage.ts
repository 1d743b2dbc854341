// The phone's localStorage for the unit tests of modules that keep things in it (Node has none): a Map behind
// the three calls the app makes, stubbed globally (`vi.unstubAllGlobals` takes it away). Only tests import it.
import { vi } from "vitest";

export function stubStorage(entries: Iterable<[string, string]> = []): Map<string, string> {
  const kept = new Map(entries);
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => void kept.set(k, v),
    removeItem: (k: string) => void kept.delete(k),
  });
  return kept;
}
