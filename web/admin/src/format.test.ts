// The console's dates and times on the regency's clock (format.ts).
import { describe, expect, it } from "vitest";
import { arrival, localDate } from "./format";

describe("localDate", () => {
  it("reads an instant's date in Jakarta, not in UTC", () => {
    expect(localDate("2026-11-02T17:30:00Z")).toBe("2026-11-03");
    expect(localDate("2026-11-02T16:59:59Z")).toBe("2026-11-02");
  });
});

describe("arrival", () => {
  it("marks a check-in of the date before, a night shift still running after midnight", () => {
    expect(arrival("2026-11-02T13:55:00Z", "2026-11-03")).toBe("20.55 (kemarin)");
  });

  it("shows a check-in of the day itself, or none, as a plain time", () => {
    expect(arrival("2026-11-03T00:02:00Z", "2026-11-03")).toBe("07.02");
    expect(arrival(null, "2026-11-03")).toBe("–");
  });
});
