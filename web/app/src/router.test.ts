// Which screen a route shows (router.ts): a change of it moves the focus to the new screen's heading (checked in
// Chromium, tests/e2e/test_web_app.py); here, what counts as a change.
import { afterEach, describe, expect, it, vi } from "vitest";
import { onRouteChange } from "../../shared/route";
import { homeAfterFlow, navigate, parseHash, screenOf, signedInRedirect } from "./router";

describe("the screen a route shows", () => {
  it("is the login whatever the route while signed out, the activation always", () => {
    expect(screenOf(parseHash("#/riwayat"), false)).toBe("/masuk");
    expect(screenOf(parseHash("#/masuk"), false)).toBe("/masuk");
    // a phone handed on is activated from the QR while its first owner's session is kept (decision 160)
    expect(screenOf(parseHash("#/aktivasi?nip=1&kode=2"), true)).toBe("/aktivasi");
    expect(signedInRedirect(parseHash("#/aktivasi?nip=1&kode=2"), true)).toBeNull();
  });

  it("is Beranda for the login's address while signed in (Back to an old entry), the address replaced", () => {
    expect(screenOf(parseHash("#/masuk"), true)).toBe(screenOf(parseHash("#/"), true));
    expect(signedInRedirect(parseHash("#/masuk"), true)).toBe("/");
    expect(signedInRedirect(parseHash("#/masuk"), false)).toBeNull();
    expect(signedInRedirect(parseHash("#/riwayat"), true)).toBeNull();
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

  it("at the end of a flow takes the flow's screen out of the history (Back does not open it again)", () => {
    // GIVEN Beranda -> Absen Masuk -> "Absen diterima": the history holds the check-in's address
    vi.stubGlobal("window", new EventTarget());
    const replaced: string[] = [];
    const shown = { hash: "#/absen?jenis=in", replace: (url: string) => void replaced.push(url) };
    vi.stubGlobal("location", shown);
    // WHEN "Kembali ke Beranda" (or a login, an activation, an enrolment done) goes home
    homeAfterFlow();
    // THEN the check-in's entry is replaced, not pushed under Beranda (Android's Back would reopen the camera)
    expect([replaced, shown.hash]).toEqual([["#/"], "#/absen?jenis=in"]);
    navigate("/riwayat", { replace: true });
    expect(replaced).toEqual(["#/", "#/riwayat"]);
    // AND an ordinary step still adds an entry
    navigate("/riwayat");
    expect(shown.hash).toBe("/riwayat");
    expect(replaced).toHaveLength(2);
  });

  it("at the end of a flow on Beranda's own address reads the route again, nothing replaced", () => {
    vi.stubGlobal("window", new EventTarget());
    const replaced: string[] = [];
    vi.stubGlobal("location", { hash: "#/", replace: (url: string) => void replaced.push(url) });
    let read = 0;
    const stop = onRouteChange(() => (read += 1));
    homeAfterFlow();
    expect([replaced, read]).toEqual([[], 1]);
    stop();
  });
});
