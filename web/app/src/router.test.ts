// Which screen a route shows (router.ts): a change of it moves the focus to the new screen's heading (checked in
// Chromium, tests/e2e/test_web_app.py); here, what counts as a change.
import { describe, expect, it } from "vitest";
import { parseHash, screenOf } from "./router";

describe("the screen a route shows", () => {
  it("is the login whatever the route while signed out, the activation always", () => {
    expect(screenOf(parseHash("#/riwayat"), false)).toBe("/masuk");
    expect(screenOf(parseHash("#/masuk"), true)).toBe("/masuk");
    expect(screenOf(parseHash("#/aktivasi?nip=1&kode=2"), true)).toBe("/aktivasi");
  });

  it("changes on signing in though the route stays, and between a check-in and a check-out", () => {
    expect(screenOf(parseHash("#/"), false)).not.toBe(screenOf(parseHash("#/"), true));
    expect(screenOf(parseHash(""), true)).toBe(screenOf(parseHash("#/"), true));
    expect(screenOf(parseHash("#/absen?jenis=in"), true)).not.toBe(screenOf(parseHash("#/absen?jenis=out"), true));
  });
});
