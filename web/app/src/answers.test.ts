// What the phone makes of SMART's answers (answers.ts), with the API's own codes and words (chalicelib/messages.py).
import { describe, expect, it } from "vitest";
import { ApiError, errorFrom, NETWORK_ERROR } from "../../shared/api";
import {
  ARRIVED_EARLIER,
  CORRECT_IT,
  gpsMayBeOff,
  keptForLater,
  keptTooLong,
  OFFLINE_KEEP_H,
  OUTSIDE_HOURS,
  PHONE_CLOCK,
  refused,
  retryLater,
  SET_THE_CLOCK,
  settledBy,
  timing,
  unanswered,
} from "./answers";
import type { CheckinAnswer } from "./types";

const OUTSIDE =
  "Anda berada di luar area kerja. Absen hanya dapat dilakukan di lokasi kerja atau lokasi tugas; " +
  "bila bertugas di luar, ajukan Dinas Luar di menu Pengajuan.";
const ALREADY = "Absen masuk hari ini sudah tercatat.";

const noSignal = new ApiError(0, NETWORK_ERROR, "Tidak ada koneksi ke server. Periksa sinyal, lalu coba lagi.");
const answered = (status: number, code: string, message = "…", details: Record<string, unknown> = {}): ApiError =>
  errorFrom(status, { error: { code, message, details } });

describe("a live check-in", () => {
  it("is kept for later when SMART never answered or failed", () => {
    expect(unanswered(noSignal)).toBe(true);
    expect(unanswered(answered(503, "SERVICE_UNAVAILABLE"))).toBe(true);
    expect(unanswered(answered(500, "HTTP_500"))).toBe(true);
  });

  it("is not kept when SMART judged it: the refusal is shown instead", () => {
    for (const [status, code] of [
      [400, "OUTSIDE_ZONE"],
      [409, "ALREADY_RECORDED"],
      [422, "FACE_MISMATCH"],
      [429, "RATE_LIMITED"],
    ] as const) {
      expect(unanswered(answered(status, code))).toBe(false);
    }
    expect(unanswered(new TypeError("not an answer"))).toBe(false);
  });

  it("is kept for later when the gateway's throttle turned it away, as when nothing answered", () => {
    expect(keptForLater(answered(429, "RATE_LIMITED"))).toBe(true);
    expect(keptForLater(noSignal)).toBe(true);
    expect(keptForLater(answered(503, "SERVICE_UNAVAILABLE"))).toBe(true);
    expect(keptForLater(answered(422, "FACE_MISMATCH"))).toBe(false);
    expect(keptForLater(new TypeError("not an answer"))).toBe(false);
  });

  it("refused outside the zone says how far the nearest zone's edge was, as a person says it", () => {
    const near = refused(answered(400, "OUTSIDE_ZONE", OUTSIDE, { zones: 1, nearest_zone: "SDN 1 Lembang", distance_m: 40 }));
    expect(near).toEqual({
      kind: "refused",
      code: "OUTSIDE_ZONE",
      message: OUTSIDE,
      next: "Posisi Anda sekitar 40 m dari batas zona SDN 1 Lembang.",
    });
    const far = refused(answered(400, "OUTSIDE_ZONE", OUTSIDE, { zones: 2, nearest_zone: "Puskesmas", distance_m: 1530 }));
    expect(far.kind === "refused" && far.next).toBe("Posisi Anda sekitar 1,5 km dari batas zona Puskesmas.");
  });

  it("refused outside the zone says the GPS may be off only when the fix's accuracy reaches the zone", () => {
    const out = (metres: number) => answered(422, "OUTSIDE_ZONE", OUTSIDE, { zones: 1, nearest_zone: "SDN 1", distance_m: metres });
    // a fix of ±60 m, 100 m from the edge: within twice its accuracy, where a phone's fix still strays
    expect(refused(out(100), 60)).toMatchObject({ next: "Posisi Anda sekitar 100 m dari batas zona SDN 1. " + gpsMayBeOff(60) });
    // a fix of ±10 m, 1.5 km away, or one whose accuracy the screen did not say: the distance alone
    expect(refused(out(1530), 10)).toMatchObject({ next: "Posisi Anda sekitar 1,5 km dari batas zona SDN 1." });
    expect(refused(out(30))).toMatchObject({ next: "Posisi Anda sekitar 30 m dari batas zona SDN 1." });
    expect(gpsMayBeOff(60)).toMatch(/±60 m/);
  });

  it("refused outside the zone of a unit without zones sends the employee to the admin", () => {
    const none = refused(answered(400, "OUTSIDE_ZONE", OUTSIDE, { zones: 0 }));
    expect(none.kind === "refused" && none.next).toBe(
      "Belum ada zona kerja untuk Anda, jadi absen belum dapat diterima. Hubungi admin unit.",
    );
  });

  it("refused for another reason gives its next step, or none where the API's words say it all", () => {
    const face = refused(answered(422, "FACE_MISMATCH", "Wajah tidak cocok dengan data terdaftar."));
    expect(face.kind === "refused" && face.next).toBe(
      "Ulangi dengan wajah lurus ke kamera di tempat terang. Jika tetap gagal, hubungi admin unit.",
    );
    const gps = refused(answered(400, "GPS_INACCURATE", "Lokasi GPS kurang akurat."));
    expect(gps).toEqual({ kind: "refused", code: "GPS_INACCURATE", message: "Lokasi GPS kurang akurat.", next: null });
  });

  it("fails loudly on anything but an API answer", () => {
    expect(() => refused(new TypeError("a bug"))).toThrow(TypeError);
  });
});

const TAKEN = "2026-03-02T00:15:00.000Z";
const TAKEN_MS = Date.parse(TAKEN);
const HOUR = 3_600_000;

describe("a capture waiting on the phone", () => {
  it("waits for the next try without signal, with SMART busy or down, or with a session to renew", () => {
    for (const exc of [
      noSignal,
      new TypeError("Failed to fetch"),
      answered(401, "UNAUTHORIZED"),
      answered(429, "RATE_LIMITED"),
      answered(500, "HTTP_500"),
      answered(503, "SERVICE_UNAVAILABLE"),
      answered(403, "ACCOUNT_INACTIVE"), // a deactivation SIMPEG may take back: the captures wait, Home says why
    ]) {
      expect(retryLater(exc, TAKEN, TAKEN_MS + HOUR)).toBe(true);
    }
  });

  it("is settled by SMART's judgement", () => {
    for (const exc of [
      answered(400, "OUTSIDE_ZONE"),
      answered(403, "DEVICE_MISMATCH"),
      answered(403, "FORBIDDEN"),
      answered(409, "ALREADY_RECORDED"),
      answered(422, "NO_FACE"),
    ]) {
      expect(retryLater(exc, TAKEN, TAKEN_MS + HOUR)).toBe(false);
    }
  });

  it("waits for an inactive account only while SMART could still take it", () => {
    const inactive = answered(403, "ACCOUNT_INACTIVE");
    expect(retryLater(inactive, TAKEN, TAKEN_MS + OFFLINE_KEEP_H * HOUR - HOUR)).toBe(true);
    expect(retryLater(inactive, TAKEN, TAKEN_MS + OFFLINE_KEEP_H * HOUR)).toBe(false);
  });

  it("counts as recorded when the day's mark exists, with the API's words", () => {
    expect(settledBy(answered(409, "ALREADY_RECORDED", ALREADY))).toEqual({ outcome: "recorded", message: ALREADY });
  });

  it("of another day, answered that the arrival is recorded, names that day rather than saying 'hari ini'", () => {
    // GIVEN a check-in kept without signal on Monday 7 December at 07:00 in Jakarta, whose day had its arrival
    const monday = "2026-12-07T00:00:00.000Z";
    const already = answered(409, "ALREADY_RECORDED", ALREADY);
    // WHEN it goes out on Tuesday THEN Home says Monday's arrival was recorded, not today's
    const tuesday = Date.parse("2026-12-08T03:00:00.000Z");
    expect(settledBy(already, monday, tuesday)).toEqual({ outcome: "recorded", message: "Absen masuk pada Senin, 7 Desember 2026 sudah tercatat." });
    // ... and SMART's own words when it goes out the same day (late that evening in Jakarta too)
    expect(settledBy(already, monday, Date.parse("2026-12-07T16:30:00.000Z"))).toEqual({ outcome: "recorded", message: ALREADY });
  });

  it("counts as recorded when its own first try had arrived (its id used already)", () => {
    const used = answered(409, "CONFLICT", "Permintaan bertentangan dengan data yang ada.");
    expect(settledBy(used)).toEqual({ outcome: "recorded", message: ARRIVED_EARLIER });
  });

  it("says how SMART answered its first try when the conflict names it: recorded, or refused in SMART's words", () => {
    const conflict = (first: Record<string, unknown>): ApiError =>
      answered(409, "CONFLICT", "client_request_id sudah dipakai untuk permintaan lain.", { client_request_id: "reused", first });
    expect(settledBy(conflict({ status: "accepted", event_id: "e1" }))).toEqual({ outcome: "recorded", message: "Absen diterima" });
    expect(settledBy(conflict({ status: "review", event_id: "e1" }))).toEqual({ outcome: "recorded", message: "Menunggu verifikasi admin" });
    const mismatch = conflict({ status: "refused", code: "FACE_MISMATCH", message: "Wajah tidak cocok.", event_id: "e1" });
    expect(settledBy(mismatch)).toEqual({ outcome: "refused", message: "Wajah tidak cocok.", next: expect.stringContaining("wajah lurus") });
  });

  it("is refused with the API's words and the next step otherwise", () => {
    const far = { zones: 1, nearest_zone: "SDN 1 Lembang", distance_m: 40 };
    expect(settledBy(answered(400, "OUTSIDE_ZONE", OUTSIDE, far))).toEqual({
      outcome: "refused",
      message: OUTSIDE,
      next: "Posisi Anda sekitar 40 m dari batas zona SDN 1 Lembang.",
    });
    const inactive = "Akun Anda tidak aktif. Hubungi BKPSDM bila ini keliru.";
    const settled = settledBy(answered(403, "ACCOUNT_INACTIVE", inactive));
    expect(settled.outcome === "refused" && settled.message).toBe(inactive);
    expect(settled.outcome === "refused" && settled.next).toContain("selama akun tidak aktif");
  });

  it("refused without a next step of its own points to a correction request", () => {
    const odd = answered(400, "VALIDATION_ERROR", "Data tidak valid.");
    expect(settledBy(odd)).toEqual({ outcome: "refused", message: "Data tidak valid.", next: CORRECT_IT });
  });
});

describe("an accepted check-in's time", () => {
  const answer = (type: "in" | "out", minutes: number, category: string | null): CheckinAnswer => ({
    event_id: "e-1",
    status: "accepted",
    type,
    attendance_time: "2026-12-03T00:30:00+00:00",
    late_minutes: type === "in" ? minutes : 0,
    early_minutes: type === "out" ? minutes : 0,
    category,
    warnings: [],
  });

  it("says nothing when on time, and how late or early otherwise", () => {
    expect(timing(answer("in", 0, null))).toBeNull();
    expect(timing(answer("in", 12, "TL1"))).toBe("Terlambat 12 menit.");
    expect(timing(answer("out", 95, "PSW4"))).toBe("Pulang 1 jam 35 menit lebih awal.");
  });

  it("says a check-in or check-out outside the day's hours does not count (a category with no minutes)", () => {
    expect(timing(answer("out", 0, "PSW4"))).toBe(OUTSIDE_HOURS.out);
    expect(timing(answer("in", 0, "TL4"))).toBe(OUTSIDE_HOURS.in);
    expect(OUTSIDE_HOURS.in).toContain("absen masuk lagi setelah dibuka");
  });
});


describe("a waiting capture refused for its time", () => {
  // SMART's words (checkin._attendance_time) name neither cause: the phone tells them apart by the capture's age.
  const badTime = answered(400, "VALIDATION_ERROR", "Waktu pengambilan foto luring tidak wajar.", {
    captured_at: "in the future or too old",
  });

  it("is put down to the phone's clock when it was not too old: set the clock, then a correction", () => {
    const settled = settledBy(badTime, TAKEN, TAKEN_MS - 8 * 60_000); // dated 8 minutes ahead of now
    expect(settled).toEqual({ outcome: "refused", message: PHONE_CLOCK, next: SET_THE_CLOCK });
    expect(PHONE_CLOCK).toMatch(/^Jam ponsel tidak tepat/);
    expect(settledBy(badTime, TAKEN, TAKEN_MS + HOUR).message).toBe(PHONE_CLOCK);
  });

  it("is put down to its age when it waited longer than SMART takes one", () => {
    expect(settledBy(badTime, TAKEN, TAKEN_MS + OFFLINE_KEEP_H * HOUR + HOUR)).toEqual({
      outcome: "refused",
      message: keptTooLong(72),
      next: CORRECT_IT,
    });
  });

  it("is told as SMART names it, whatever limit the regency set (SMART_OFFLINE_MAX_AGE_H)", () => {
    const named = (cause: string): ApiError => answered(400, "VALIDATION_ERROR", "Waktu pengambilan foto luring tidak wajar.", { captured_at: cause });
    expect(settledBy(named("too old"), TAKEN, TAKEN_MS + 30 * HOUR, 24).message).toBe(keptTooLong(24)); // a 24-hour limit
    expect(settledBy(named("in the future"), TAKEN, TAKEN_MS + OFFLINE_KEEP_H * HOUR + HOUR).message).toBe(PHONE_CLOCK);
  });

  it("names the regency's own limit, in days when it is whole days", () => {
    expect(keptTooLong(72)).toBe("Absen ini tersimpan di ponsel lebih dari 3 hari sebelum terkirim, sehingga tidak dapat dicatat lagi.");
    expect(keptTooLong(24)).toContain("lebih dari 1 hari sebelum");
    expect(keptTooLong(36)).toContain("lebih dari 36 jam sebelum");
    // an API that does not name the cause: judged by the capture's age against the regency's limit
    expect(settledBy(badTime, TAKEN, TAKEN_MS + 30 * HOUR, 24).message).toBe(keptTooLong(24));
    expect(settledBy(badTime, TAKEN, TAKEN_MS + 30 * HOUR, 72).message).toBe(PHONE_CLOCK);
  });

  it("waits for an inactive account only within the regency's own limit", () => {
    const inactive = answered(403, "ACCOUNT_INACTIVE");
    expect(retryLater(inactive, TAKEN, TAKEN_MS + 30 * HOUR, 24)).toBe(false);
    expect(retryLater(inactive, TAKEN, TAKEN_MS + 30 * HOUR, 72)).toBe(true);
  });

  it("keeps SMART's words for another invalid field", () => {
    const other = answered(400, "VALIDATION_ERROR", "Data tidak valid.", { latitude: "out of range" });
    expect(settledBy(other, TAKEN, TAKEN_MS)).toEqual({ outcome: "refused", message: "Data tidak valid.", next: CORRECT_IT });
  });
});
