// What each camera is asked for (camera.ts): selfies stay small, a letter is taken sharp enough to read, and a
// letter photo is sent small enough for a 2G link. Node has no canvas: encoders here model the JPEG sizes that
// bench/letters_bench.py measured (Pillow's libjpeg-turbo at the canvas's quality scale).
import { describe, expect, it } from "vitest";
import { base64Bytes, type Encoding, fitted, LETTER_TRIES, letterPhoto, videoConstraints } from "./camera";

const asked = (c: MediaStreamConstraints): MediaTrackConstraints => c.video as MediaTrackConstraints;
const ideal = (v: MediaTrackConstraints["width"]): number | undefined => (typeof v === "object" ? v.ideal : undefined);

/** What a 50 kbit/s uplink (2G/EDGE) carries in the time a letter's upload may take beside SMART's answer. */
const LETTER_BUDGET = 200 * 1024;

/** Base64 of `bytes` bytes (its content does not matter here, its length does). */
const b64Of = (bytes: number): string => "A".repeat(Math.ceil(bytes / 3) * 4);

/** An encoder whose sizes follow `kbAt1600` (KB at 1600 px by JPEG quality, measured), interpolated between the
 * measured qualities and scaled by the pixels of a smaller long side; it notes what it was asked. */
function measured(kbAt1600: Readonly<Record<number, number>>, asked: Encoding[] = []) {
  const points = Object.entries(kbAt1600)
    .map(([q, kb]) => [Number(q), kb] as const)
    .sort((a, b) => a[0] - b[0]);
  const kbAt = (q: number): number => {
    const above = points.findIndex(([pq]) => pq >= q); // the segment around q (the nearest one outside the points)
    const i = above < 1 ? (above === 0 ? 1 : points.length - 1) : above;
    const [q0, kb0] = points[i - 1] ?? [0, 0];
    const [q1, kb1] = points[i] ?? [1, 0];
    return kb0 + ((kb1 - kb0) * (q - q0)) / (q1 - q0);
  };
  return (encoding: Encoding): string => {
    asked.push(encoding);
    return b64Of(Math.round(kbAt(encoding.quality) * 1024 * (encoding.longSide / 1600) ** 2));
  };
}

// Measured (bench/letters_RESULTS.md, KB at 1600 px by quality; the encoder interpolates between them): the
// busiest dev photo (img54, 2000x2400, a textured scene), a synthetic A4 letter from a 12-MP frame with a phone's
// grain (sigma 4), and the same page from a 1920x1440 frame in a dim room (grain sigma 12).
const BUSY = { 0.36: 159, 0.48: 189, 0.6: 220, 0.7: 262, 0.72: 271, 0.82: 349 };
const LETTER_12MP = { 0.36: 91, 0.48: 101, 0.6: 113, 0.7: 128, 0.72: 131, 0.82: 163 };
const DIM_ROOM = { 0.36: 114, 0.48: 145, 0.6: 181, 0.7: 229, 0.72: 239, 0.82: 328 };

describe("the camera", () => {
  it("asks the front camera for a selfie's 640x480", () => {
    const selfie = asked(videoConstraints("user"));
    expect([selfie.facingMode, ideal(selfie.width), ideal(selfie.height)]).toEqual(["user", 640, 480]);
  });

  it("asks the rear camera for more than a letter photo keeps (1600 px on its long side)", () => {
    const letter = asked(videoConstraints("environment"));
    expect(letter.facingMode).toBe("environment");
    expect(Math.max(ideal(letter.width) ?? 0, ideal(letter.height) ?? 0)).toBeGreaterThanOrEqual(1600);
    expect(videoConstraints("environment").audio).toBe(false);
  });
});

describe("a letter photo", () => {
  it("of a busy picture is sent within what 2G carries, not at the first quality that fits 2 MB's third", () => {
    // GIVEN a teacher photographing a letter on a patterned tablecloth (349 KB at 1600 px and quality 0.82)
    // WHEN the app prepares it for "Kirim Pengajuan"
    const photo = letterPhoto(measured(BUSY));
    // THEN it weighs at most 200 KB: 273 KB of base64, about 45 s up a 50 kbit/s link
    expect(base64Bytes(photo)).toBeLessThanOrEqual(LETTER_BUDGET);
  });

  it("of a dim room's grainy page fits too", () => {
    expect(base64Bytes(letterPhoto(measured(DIM_ROOM)))).toBeLessThanOrEqual(LETTER_BUDGET);
  });

  it("of a plain letter from a 12-MP camera keeps 1600 px at the first quality tried", () => {
    // GIVEN a plain A4 letter, the rear camera's frame 4000x3000
    const tried: Encoding[] = [];
    const photo = letterPhoto(measured(LETTER_12MP, tried));
    // THEN the first encoding (1600 px, quality 0.7) fits, and nothing else is encoded
    expect(tried).toEqual([{ longSide: 1600, quality: 0.7 }]);
    expect(base64Bytes(photo)).toBeLessThanOrEqual(129 * 1024);
  });

  it("stays readable: never under 1280 px on its long side nor under JPEG quality 0.5", () => {
    // An A4 page filling 1280 px keeps 11 pt text readable (bench/letters_RESULTS.md); below, stamps and small print
    // are lost, and the admin who decides the request cannot read what was sent.
    expect(LETTER_TRIES[0]).toEqual({ longSide: 1600, quality: 0.7 });
    for (const { longSide, quality } of LETTER_TRIES) {
      expect(longSide).toBeGreaterThanOrEqual(1280);
      expect(quality).toBeGreaterThanOrEqual(0.5);
    }
  });
});

describe("fitting a photo into its size", () => {
  it("takes the first encoding that fits", () => {
    const sizes: Record<number, number> = { 0.7: 300, 0.6: 190, 0.5: 150 };
    const tries = [0.7, 0.6, 0.5].map((quality) => ({ longSide: 1600, quality }));
    expect(base64Bytes(fitted(({ quality }) => b64Of(sizes[quality] ?? 0), tries, 200))).toBe(192);
  });

  it("sends the smallest of its encodings when none fits, not merely the last tried", () => {
    // A smaller size can encode larger than a lower quality of the bigger one (a grainy page scaled down).
    const sizes: Record<string, number> = { "1600@0.5": 240, "1280@0.6": 260 };
    const tries = [
      { longSide: 1600, quality: 0.5 },
      { longSide: 1280, quality: 0.6 },
    ];
    const photo = fitted(({ longSide, quality }) => b64Of(sizes[`${longSide}@${quality}`] ?? 0), tries, 200);
    expect(base64Bytes(photo)).toBe(240);
  });
});
