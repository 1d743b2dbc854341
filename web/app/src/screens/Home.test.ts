// Beranda when its first read of the day fails (Home.tsx `ReadAgain`): the screen itself is checked in Chromium
// (tests/e2e); here, when "Coba Lagi" is offered and what it does. Components without hooks are called as
// functions: what they return is the element they render.
import { describe, expect, it, vi } from "vitest";
import type { VNode } from "preact";
import type { Profile } from "../types";
import type { Delivered } from "../outbox";
import { deliveredSaid, ReadAgain } from "./Home";

interface ButtonProps {
  disabled: boolean;
  onClick: () => void;
  children: string;
}

const NO_SIGNAL = "Tidak ada koneksi ke server. Periksa sinyal, lalu coba lagi.";

describe("Beranda whose read failed", () => {
  it("with no day kept on the phone offers Coba Lagi, which reads the day again", () => {
    // GIVEN a first sign-in on a weak link: GET /v1/me timed out and the phone keeps no profile
    const onRetry = vi.fn();
    const button = ReadAgain({ profile: null, error: NO_SIGNAL, reading: false, onRetry }) as VNode<ButtonProps> | null;
    // THEN the error line is not all there is: a button reads the day again (reads ran again only on `online`)
    expect(button?.type).toBe("button");
    expect(button?.props.children).toBe("Coba Lagi");
    expect(button?.props.disabled).toBe(false);
    button?.props.onClick();
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("says the read is under way while it is (disabled: one read at a time)", () => {
    const button = ReadAgain({ profile: null, error: NO_SIGNAL, reading: true, onRetry: () => undefined }) as VNode<ButtonProps> | null;
    expect([button?.props.disabled, button?.props.children]).toEqual([true, "Memproses…"]);
  });

  it("is not offered while the day is shown (the phone's copy, read again when signal returns) or nothing failed", () => {
    const kept = { nip: "199001012020012001", nama: "Siti Rahmawati" } as Profile;
    expect(ReadAgain({ profile: kept, error: NO_SIGNAL, reading: false, onRetry: () => undefined })).toBeNull();
    expect(ReadAgain({ profile: null, error: null, reading: true, onRetry: () => undefined })).toBeNull();
  });
});

describe("captures that waited on the phone, once SMART answered", () => {
  const at = "2026-12-05T00:12:00Z"; // 07.12 in Jakarta (the default zone)
  const recorded = (id: string, message: string): Delivered => ({ id, type: "in", captured_at: at, outcome: "recorded", message });

  it("are said to a screen reader as Beranda lists them (the list appears without a word otherwise)", () => {
    expect(deliveredSaid([recorded("a", "Absen diterima")])).toBe("Sudah terkirim: Absen Masuk 07.12: Absen diterima.");
    expect(deliveredSaid([recorded("a", "Absen diterima"), { ...recorded("b", "Menunggu verifikasi admin"), type: "out" }])).toBe(
      "Sudah terkirim: Absen Masuk 07.12: Absen diterima; Absen Pulang 07.12: Menunggu verifikasi admin.",
    );
  });

  it("say nothing here of a refusal, which is an alert of its own", () => {
    const refused: Delivered = { id: "c", type: "in", captured_at: at, outcome: "refused", message: "Perangkat ini tidak terdaftar.", next: "" };
    expect(deliveredSaid([refused])).toBe("");
  });
});
