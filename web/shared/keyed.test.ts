import { describe, expect, it } from "vitest";
import { heldFor } from "./keyed";

const U1 = { key: "2026-12-03|U1", data: ["U1 rows"] };

describe("an answer kept with its key", () => {
  it("is shown under its own key, also after a failed read again of that key", () => {
    expect(heldFor(U1, "2026-12-03|U1", null)).toEqual(["U1 rows"]);
    expect(heldFor(U1, "2026-12-03|U1", "2026-12-03|U1")).toEqual(["U1 rows"]);
  });

  it("stands under another key while that key is read (the table shows it dimmed and closed)", () => {
    expect(heldFor(U1, "2026-12-03|U2", null)).toEqual(["U1 rows"]);
  });

  it("is gone once the other key's read has failed: unit A's rows never stay under unit B", () => {
    expect(heldFor(U1, "2026-12-03|U2", "2026-12-03|U2")).toBeNull();
    expect(heldFor(null, "2026-12-03|U2", null)).toBeNull();
  });
});
