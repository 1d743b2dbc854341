// A field duty's area typed on approving a request (area.ts): "lintang, bujur" and a radius in metres.
import { describe, expect, it } from "vitest";
import { UserMessage } from "../../shared/api";
import { circleOf } from "./area";

describe("circleOf", () => {
  it("reads a centre as a map app copies it, and the radius", () => {
    expect(circleOf(" -6.84671, 107.4858 ", "150")).toEqual({ lat: -6.84671, lon: 107.4858, radius_m: 150 });
  });

  it("reads decimal commas, a semicolon or a space between, and a radius with a thousands point", () => {
    expect(circleOf("-6,84671, 107,4858", "75,5")).toEqual({ lat: -6.84671, lon: 107.4858, radius_m: 75.5 });
    expect(circleOf("-6.84671;107.4858", "1.500")).toEqual({ lat: -6.84671, lon: 107.4858, radius_m: 1500 });
    expect(circleOf("-6.84671 107.4858", "200")).toEqual({ lat: -6.84671, lon: 107.4858, radius_m: 200 });
  });

  it("is no area when both are empty: a field duty without a place of its own", () => {
    expect(circleOf("", "  ")).toBeNull();
  });

  it("says what is missing or unreadable, in the console's words", () => {
    const said = (centre: string, radius: string): string => {
      try {
        circleOf(centre, radius);
      } catch (exc) {
        if (exc instanceof UserMessage) return exc.message;
      }
      return "";
    };
    expect(said("-6.84671, 107.4858", "")).toBe("Isi juga jari-jari area dalam meter, atau kosongkan pusat area.");
    expect(said("", "150")).toContain("Isi juga pusat area");
    expect(said("-6.84671", "150")).toBe("Tulis pusat area sebagai lintang, bujur, misalnya -6.84671, 107.4858.");
    expect(said("107.4858, -96.8", "150")).toBe("Lintang harus di antara -90 dan 90.");
    expect(said("107.4858, -6.84671", "150")).toContain("Lintang dan bujur tertukar?"); // as Zona says it
    expect(said("-6.84671, 107.4858", "0")).toContain("lebih dari 0");
    expect(said("-6.84671, 107.4858", "150 m")).toContain("lebih dari 0");
  });
});
