// When a hash route is read again (shared/route.ts): on every hash change, and when an app asks for it without
// one (the address already shown). Node has no window: an EventTarget stands in.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { onRouteChange, rereadRoute } from "./route";

beforeEach(() => {
  vi.stubGlobal("window", new EventTarget());
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a hash route", () => {
  it("is read again on a hash change and when asked, until the listener stops", () => {
    let read = 0;
    const stop = onRouteChange(() => (read += 1));
    window.dispatchEvent(new Event("hashchange"));
    rereadRoute();
    expect(read).toBe(2);
    stop();
    window.dispatchEvent(new Event("hashchange"));
    rereadRoute();
    expect(read).toBe(2);
  });

  it("read again when asked is no hash change (which the app's update check takes for a move)", () => {
    const changes: string[] = [];
    window.addEventListener("hashchange", (e) => changes.push(e.type));
    rereadRoute();
    expect(changes).toEqual([]);
  });
});
