import { describe, expect, it } from "vitest";
import { heldFor } from "./keyed";

describe("an answer kept with its key", () => {
  it("is shown while its key is the one asked, also while the same key is read again", () => {
    expect(heldFor({ key: "2026-12-03|U1", data: ["U1 rows"] }, "2026-12-03|U1")).toEqual(["U1 rows"]);
  });

  it("is not shown under another key: unit A's rows never stand under unit B, loading or failed", () => {
    expect(heldFor({ key: "2026-12-03|U1", data: ["U1 rows"] }, "2026-12-03|U2")).toBeNull();
    expect(heldFor(null, "2026-12-03|U2")).toBeNull();
  });
});
