// When a new version of the app takes over the page still open (update.ts): only where a reload loses nothing.
import { describe, expect, it } from "vitest";
import { IDLE_MS, reloadNow, safeToReload } from "./update";

describe("a new version", () => {
  it("reloads only a screen that holds nothing the employee is doing", () => {
    for (const hash of ["", "#/", "#/riwayat", "#/rekap"]) expect(safeToReload(hash, true)).toBe(true);
    for (const hash of ["#/absen?jenis=in", "#/daftar-wajah", "#/pengajuan", "#/sandi", "#/aktivasi?nip=1", "#/masuk"]) {
      expect(safeToReload(hash, true)).toBe(false);
    }
    expect(safeToReload("#/", false)).toBe(false); // the login screen: a NIP and password may be half typed
  });

  it("takes over when the employee comes back to the app or leaves the screen untouched a while", () => {
    const base = { arrived: true, safe: true, away: false, idleMs: 0 };
    expect(reloadNow(base)).toBe(false); // being used right now
    expect(reloadNow({ ...base, away: true })).toBe(true);
    expect(reloadNow({ ...base, idleMs: IDLE_MS })).toBe(true);
    expect(reloadNow({ ...base, away: true, safe: false })).toBe(false); // a capture in progress
    expect(reloadNow({ ...base, away: true, arrived: false })).toBe(false);
  });
});
