// The screen kept under the login when a session ends by itself (kept.ts, main.App): which screens are kept, who
// sees them again, and what their form says; the screens themselves are checked in Chromium
// (tests/e2e/test_web_app_forms.py).
import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/api";
import { endedBy, keptFor, signedOutOn } from "./kept";
import { parseHash } from "./router";

const SITI = "199001012020012001";
const BUDI = "198502022010011002";
const ENDED = new ApiError(401, "UNAUTHENTICATED", "Sesi tidak valid atau sudah berakhir. Silakan masuk kembali.");

describe("a session that ends by itself", () => {
  it("on Pengajuan or Ubah Kata Sandi keeps the screen for its employee, its route staying", () => {
    expect(signedOutOn(parseHash("#/pengajuan"), SITI)).toEqual({ kept: { screen: "/pengajuan", nip: SITI }, toLogin: false });
    expect(signedOutOn(parseHash("#/sandi"), SITI)).toEqual({ kept: { screen: "/sandi", nip: SITI }, toLogin: false });
  });

  it("on the activation stays there, nothing kept (a phone activated from the QR keeps its NIP and code)", () => {
    expect(signedOutOn(parseHash(`#/aktivasi?nip=${BUDI}&kode=12345678`), SITI)).toEqual({ kept: null, toLogin: false });
    expect(signedOutOn(parseHash(`#/aktivasi?nip=${BUDI}&kode=12345678`), null)).toEqual({ kept: null, toLogin: false });
  });

  it("on a screen with nothing typed, or the camera's, goes to the login as before", () => {
    for (const hash of ["#/", "#/riwayat", "#/rekap", "#/absen?jenis=in", "#/daftar-wajah", "#/masuk"])
      expect(signedOutOn(parseHash(hash), SITI)).toEqual({ kept: null, toLogin: true });
  });

  it("of an employee the phone did not know keeps nothing (no one could be told the same)", () => {
    expect(signedOutOn(parseHash("#/pengajuan"), null)).toEqual({ kept: null, toLogin: true });
  });
});

describe("the kept screen", () => {
  const kept = { screen: "/pengajuan", nip: SITI };

  it("stays under the login while nobody is signed in and its route stays", () => {
    expect(keptFor(kept, parseHash("#/pengajuan"), null)).toBe(kept);
  });

  it("shows again when the same employee signs in again", () => {
    expect(keptFor(kept, parseHash("#/pengajuan"), SITI)).toBe(kept);
  });

  it("is dropped when another employee signs in (they never see the first one's draft)", () => {
    expect(keptFor(kept, parseHash("#/pengajuan"), BUDI)).toBeNull();
  });

  it("is dropped when its route is left (Back, the activation link): only the screen shown is kept", () => {
    expect(keptFor(kept, parseHash("#/"), null)).toBeNull();
    expect(keptFor(kept, parseHash(`#/aktivasi?nip=${SITI}&kode=12345678`), null)).toBeNull();
    expect(keptFor(kept, parseHash("#/sandi"), SITI)).toBeNull();
  });

  it("is nothing when nothing was kept", () => {
    expect(keptFor(null, parseHash("#/pengajuan"), SITI)).toBeNull();
  });
});

describe("a form whose own request ended the session", () => {
  it("says it was not sent (what the employee reads on the form shown again)", () => {
    expect(endedBy(ENDED, "token-lama", null)).toBe(true);
  });

  it("is not a login's refusal, a wrong password, another failure, or a refusal of a session begun since", () => {
    expect(endedBy(ENDED, null, null)).toBe(false); // a login or an activation: sent with no session
    expect(endedBy(new ApiError(401, "INVALID_CREDENTIALS", "Kata sandi salah."), "token-lama", "token-lama")).toBe(false);
    expect(endedBy(new ApiError(403, "DEVICE_MISMATCH", "Perangkat lain."), "token-lama", null)).toBe(false);
    expect(endedBy(ENDED, "token-lama", "token-baru")).toBe(false);
  });
});
