// What each camera is asked for (camera.ts): selfies stay small, a letter is taken sharp enough to read.
import { describe, expect, it } from "vitest";
import { videoConstraints } from "./camera";

const asked = (c: MediaStreamConstraints): MediaTrackConstraints => c.video as MediaTrackConstraints;
const ideal = (v: MediaTrackConstraints["width"]): number | undefined => (typeof v === "object" ? v.ideal : undefined);

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
