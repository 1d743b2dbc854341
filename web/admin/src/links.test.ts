// Signed links to employees' files (links.ts): a list left open longer than its links live is read again before
// one of them is used, rather than showing a broken photo or S3's English "Request has expired" page.
import { describe, expect, it } from "vitest";
import { expired, linkLifetime } from "./links";

// As S3 signs them (SigV4), for 300 s (SMART_PRESIGN_TTL_S's default)
const SELFIE =
  "http://localhost:4566/smart-photos/refused/2026-12-07/abc.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x%2F20261207%2Fap-southeast-3%2Fs3%2Faws4_request&X-Amz-Date=20261207T030000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=f00";
const READ_AT = Date.parse("2026-12-07T10:00:00+07:00"); // by the admin's own clock, whatever it says
const MINUTE = 60_000;

describe("linkLifetime", () => {
  it("reads how long a presigned link lives from its own query", () => {
    expect(linkLifetime(SELFIE)).toBe(300_000);
  });

  it("knows nothing of a link that does not say", () => {
    expect(linkLifetime("https://example.org/photo.jpg")).toBeNull();
    expect(linkLifetime("http://x/y.jpg?X-Amz-Expires=soon")).toBeNull();
    expect(linkLifetime("not a url")).toBeNull();
  });
});

describe("expired", () => {
  it("GIVEN a list read at 10.00, its photo links are good at 10.04 and dead (or about to die) by 10.05", () => {
    expect(expired([SELFIE], READ_AT, READ_AT + 4 * MINUTE)).toBe(false);
    // within its last seconds a photo would not finish loading on a slow link
    expect(expired([SELFIE], READ_AT, READ_AT + 5 * MINUTE - 5_000)).toBe(true);
    expect(expired([SELFIE], READ_AT, READ_AT + 6 * MINUTE)).toBe(true);
  });

  it("counts any link of an item; no link, or one that does not say how long it lives, never expires", () => {
    expect(expired([null, undefined, "https://example.org/a.jpg", SELFIE], READ_AT, READ_AT + 6 * MINUTE)).toBe(true);
    expect(expired([null, undefined, "https://example.org/a.jpg"], READ_AT, READ_AT + 60 * MINUTE)).toBe(false);
  });
});
