// "Lampu layar" (lamp.ts): the check-in screen turns white to light a face in a dark room, from the preview's mean
// luma, the way SMART's face check measures a photo's light (chalicelib/face/config.py QualityLimits).
import { describe, expect, it } from "vitest";
import {
  LAMP_OFF,
  LAMP_OFF_AFTER_MS,
  LAMP_OFF_FROM,
  LAMP_ON_AFTER_MS,
  LAMP_ON_BELOW,
  LAMP_SAMPLE_MS,
  type Lamp,
  lampLit,
  lampNote,
  lampResumed,
  lampSeen,
  lampToggled,
  meanLuma,
} from "./lamp";

/** The lamp after the preview read `lumas`, one every LAMP_SAMPLE_MS from `start`. */
function seen(lamp: Lamp, lumas: readonly number[], start = 0): Lamp {
  return lumas.reduce((l, luma, i) => lampSeen(l, luma, start + i * LAMP_SAMPLE_MS), lamp);
}

/** `n` readings of `luma`. */
const times = (n: number, luma: number): number[] => Array.from({ length: n }, () => luma);
/** Readings enough to last `ms` (the first one at 0, the last one at `ms` or just after). */
const lasting = (ms: number, luma: number): number[] => times(Math.ceil(ms / LAMP_SAMPLE_MS) + 1, luma);

/** A lamp lit by a dark room (what the readings say, no choice of the employee's). */
const LIT = seen(LAMP_OFF, lasting(LAMP_ON_AFTER_MS, 10));

describe("the lamp follows the room's light", () => {
  it("comes on when the room stays too dark for SMART to find a face", () => {
    // GIVEN a dim classroom at 06:45: the preview reads under SMART's whole-photo limit (40, under which a photo
    // without a face is called too dark), and under 19 where the detector lost every dev face
    for (const luma of [39.9, 25, 10]) {
      // WHEN it reads so for a second
      const lamp = seen(LAMP_OFF, lasting(LAMP_ON_AFTER_MS, luma));
      // THEN the screen becomes the lamp, and says why
      expect(lampLit(lamp), String(luma)).toBe(true);
      expect(lampNote(lamp)).toBe(
        "Ruangan gelap: layar dibuat terang untuk menerangi wajah. Dekatkan wajah ke layar dan naikkan kecerahan layar.",
      );
    }
  });

  it("comes on a margin before the server's limit (a real dim selfie loses its face sooner)", () => {
    expect(LAMP_ON_BELOW).toBeGreaterThan(40);
    expect(lampLit(seen(LAMP_OFF, lasting(LAMP_ON_AFTER_MS, LAMP_ON_BELOW - 0.1)))).toBe(true);
  });

  it("stays off in a lit room (the e2e fake camera's photos read 110-176)", () => {
    for (const luma of [110, 128, 176, 250]) {
      const lamp = seen(LAMP_OFF, lasting(60_000, luma));
      expect(lampLit(lamp), String(luma)).toBe(false);
      expect(lampNote(lamp)).toBeNull();
    }
  });

  it("waits a second of darkness: a hand or a shadow passing does not light it", () => {
    // GIVEN a lit room WHEN the preview is dark for less than LAMP_ON_AFTER_MS, then light again, then dark again
    const lamp = seen(LAMP_OFF, [...times(3, 10), 130, ...times(3, 10)]);
    // THEN the lamp stays off (the darkness has to last, unbroken)
    expect(lampLit(lamp)).toBe(false);
    expect(lampLit(seen(LAMP_OFF, times(Math.floor(LAMP_ON_AFTER_MS / LAMP_SAMPLE_MS), 10)))).toBe(false);
  });

  it("goes back off once the room is lit again for a few seconds", () => {
    // GIVEN the lamp lit by a dark room WHEN the lights are switched on (the camera reads as in a lit room)
    const later = 10_000;
    const almost = seen(LIT, times(Math.floor(LAMP_OFF_AFTER_MS / LAMP_SAMPLE_MS), 140), later);
    const lamp = seen(LIT, lasting(LAMP_OFF_AFTER_MS, 140), later);
    // THEN the lamp stays on a while (the lamp's own light must not switch it off at once), then goes off
    expect(lampLit(almost)).toBe(true);
    expect(lampLit(lamp)).toBe(false);
    expect(lampNote(lamp)).toBeNull();
  });

  it("keeps its state between the thresholds (the lamp's own light does not make it flicker)", () => {
    expect(LAMP_OFF_FROM).toBeGreaterThan(LAMP_ON_BELOW);
    for (const luma of [LAMP_ON_BELOW, 70, LAMP_OFF_FROM - 0.1]) {
      // GIVEN a reading between the two thresholds, for a minute
      const long = lasting(60_000, luma);
      // THEN an unlit lamp stays unlit, and a lit one (its light lifting the face out of the dark) stays lit
      expect(lampLit(seen(LAMP_OFF, long)), String(luma)).toBe(false);
      expect(lampLit(seen(LIT, long, 10_000)), String(luma)).toBe(true);
    }
  });

  it("never flashes: readings swinging dark and light at every sample switch nothing", () => {
    // A full-screen change of light more than three times a second can cause seizures (WCAG 2.3.1).
    const swinging = Array.from({ length: 200 }, (_, i) => (i % 2 ? 250 : 0.5 + (i % 4) * 5));
    for (const start of [LAMP_OFF, LIT]) {
      let lamp = start;
      let switches = 0;
      swinging.forEach((luma, i) => {
        const next = lampSeen(lamp, luma, 10_000 + i * LAMP_SAMPLE_MS);
        if (lampLit(next) !== lampLit(lamp)) switches += 1;
        lamp = next;
      });
      expect(switches).toBe(0);
    }
  });

  it("takes a black picture for a camera still starting, not for a dark room", () => {
    // Chrome draws black frames while the camera starts (and a covered camera gives no light to add to)
    expect(lampLit(seen(LAMP_OFF, lasting(5_000, 0)))).toBe(false);
    expect(lampLit(seen(LIT, lasting(5_000, 0), 10_000))).toBe(true);
  });
});

describe("a capture holds the lamp", () => {
  it("starts the dark run anew after the capture (the readings during it were never taken)", () => {
    // GIVEN half a second of darkness read, then a capture of five seconds during which nothing is read
    const before = seen(LAMP_OFF, times(2, 10));
    // WHEN the readings resume with one dark reading
    const after = lampSeen(lampResumed(before), 10, 5_000);
    // THEN the lamp waits its second of unbroken darkness again
    expect(lampLit(after)).toBe(false);
    expect(lampLit(seen(lampResumed(before), lasting(LAMP_ON_AFTER_MS, 10), 5_000))).toBe(true);
  });

  it("keeps the lamp's state and the employee's choice", () => {
    expect(lampLit(lampResumed(LIT))).toBe(true);
    expect(lampLit(lampResumed(lampToggled(LAMP_OFF)))).toBe(true);
    expect(lampResumed(LAMP_OFF)).toBe(LAMP_OFF);
  });
});

describe("the employee's own choice", () => {
  it("lights the lamp by hand in a lit room, and the readings leave it lit", () => {
    // GIVEN a lit room WHEN the employee taps "Lampu layar"
    const lamp = seen(lampToggled(LAMP_OFF), lasting(30_000, 140));
    // THEN the screen is the lamp, saying so without calling the room dark
    expect(lampLit(lamp)).toBe(true);
    expect(lampNote(lamp)).toBe("Lampu layar menyala: layar dibuat terang untuk menerangi wajah. Dekatkan wajah ke layar.");
  });

  it("puts out a lamp the dark room lit, and the readings leave it out", () => {
    // GIVEN the lamp lit by a dark room WHEN the employee taps "Lampu layar"
    const lamp = seen(lampToggled(LIT), lasting(30_000, 10), 10_000);
    // THEN it stays out while the screen is open
    expect(lampLit(lamp)).toBe(false);
    expect(lampNote(lamp)).toBeNull();
    // AND a second tap lights it again
    expect(lampLit(lampToggled(lamp))).toBe(true);
  });
});

describe("meanLuma", () => {
  const rgba = (...pixels: [number, number, number, number][]): Uint8ClampedArray => new Uint8ClampedArray(pixels.flat());

  it("is the mean Rec. 601 luma of RGBA pixels, as the server's photo_brightness (alpha left out)", () => {
    expect(meanLuma(rgba([255, 255, 255, 255], [255, 255, 255, 0]))).toBeCloseTo(255, 6);
    expect(meanLuma(rgba([0, 0, 0, 255]))).toBe(0);
    expect(meanLuma(rgba([0, 255, 0, 255], [0, 0, 0, 255]))).toBeCloseTo((0.587 * 255) / 2, 6);
    expect(meanLuma(rgba([200, 100, 50, 255]))).toBeCloseTo(0.299 * 200 + 0.587 * 100 + 0.114 * 50, 6);
  });

  it("reads nothing as black (no picture)", () => {
    expect(meanLuma(new Uint8ClampedArray(0))).toBe(0);
  });
});
