import { describe, expect, it } from "vitest";
import { errorFrom, waitText } from "./api";

const LOCKED = { error: { code: "RATE_LIMITED", message: "Terlalu banyak percobaan. Coba lagi beberapa saat lagi.", details: { retry_after_s: 900 } } };

describe("a lockout says how long it lasts", () => {
  it("takes the time from Retry-After", () => {
    const exc = errorFrom(429, LOCKED, new Headers({ "Retry-After": "840" }));
    expect(exc.message).toBe("Terlalu banyak percobaan. Coba lagi dalam 14 menit.");
    expect(exc.code).toBe("RATE_LIMITED");
  });

  it("else from the lockout's own retry_after_s, and keeps the API's words when neither says", () => {
    expect(errorFrom(429, LOCKED).message).toBe("Terlalu banyak percobaan. Coba lagi dalam 15 menit.");
    const bare = { error: { code: "RATE_LIMITED", message: LOCKED.error.message } };
    expect(errorFrom(429, bare, new Headers()).message).toBe(LOCKED.error.message);
  });

  it("leaves a message of its own (no 'beberapa saat lagi') and other answers alone", () => {
    const exports = { error: { code: "RATE_LIMITED", message: "Sudah ada 2 berkas rekap Anda yang sedang dibuat; tunggu hingga selesai." } };
    expect(errorFrom(429, exports, new Headers({ "Retry-After": "60" })).message).toBe(exports.error.message);
    const busy = { error: { code: "UNAVAILABLE", message: "Layanan sedang tidak tersedia. Coba lagi beberapa saat lagi." } };
    expect(errorFrom(503, busy, new Headers({ "Retry-After": "5" })).message).toBe(busy.error.message);
  });

  it("words the wait in minutes, or seconds under a minute", () => {
    expect(waitText(900)).toBe("15 menit");
    expect(waitText(61)).toBe("2 menit");
    expect(waitText(60)).toBe("1 menit");
    expect(waitText(40)).toBe("40 detik");
  });
});

describe("a busy answer says when to try again", () => {
  it("keeps Retry-After (or details.retry_after_s) on the error, for 503 and 429 alike", () => {
    const busy = { error: { code: "UNAVAILABLE", message: "Layanan sedang tidak tersedia." } };
    expect(errorFrom(503, busy, new Headers({ "Retry-After": "5" })).retryAfterS).toBe(5);
    expect(errorFrom(429, LOCKED).retryAfterS).toBe(900);
    expect(errorFrom(503, busy, new Headers()).retryAfterS).toBeNull();
  });
});
