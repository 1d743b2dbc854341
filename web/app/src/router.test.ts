// Which screen a route shows (router.ts): a change of it moves the focus to the new screen's heading (checked in
// Chromium, tests/e2e/test_web_app.py); here, what counts as a change.
import { afterEach, describe, expect, it, vi } from "vitest";
import { onRouteChange } from "../../shared/route";
import { navigate, parseHash, screenOf } from "./router";

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

describe("going to an address", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("already shown reads the route again without a hash change (update.ts reloads on one)", () => {
    vi.stubGlobal("window", new EventTarget());
    vi.stubGlobal("location", { hash: "#/masuk" });
    vi.stubGlobal("HashChangeEvent", class extends Event {});
    const changes: string[] = [];
    window.addEventListener("hashchange", (e) => changes.push(e.type));
    let read = 0;
    const stop = onRouteChange(() => (read += 1));
    navigate("/masuk");
    expect([changes, read]).toEqual([[], 1]);
    navigate("/");
    expect(location.hash).toBe("/"); // the browser's own hash change follows (not in Node)
    stop();
  });
});
