// Beranda when its first read of the day fails (Home.tsx `ReadAgain`): the screen itself is checked in Chromium
// (tests/e2e); here, when "Coba Lagi" is offered and what it does. Components without hooks are called as
// functions: what they return is the element they render.
import { describe, expect, it, vi } from "vitest";
import type { VNode } from "preact";
import type { Profile } from "../types";
import type { Delivered } from "../outbox";
import { CheckAgain, deliveredSaid, FACES_CHECK_MAX_MS, FACES_CHECK_MS, facesAwaited, facesCheckMs, facesSaid, ReadAgain } from "./Home";

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

describe("Beranda while the employee's face waits for an admin", () => {
  const base = { nip: "199001012020012001", nama: "Siti Rahmawati" };
  const faces = (approved: number, pending: number): Profile =>
    ({ ...base, enrolled: approved > 0, onboarding: { faces: { approved, pending, last_rejection: null } } }) as unknown as Profile;

  it("asks SMART again while no face is approved: one waiting, none sent yet, or one rejected", () => {
    expect(facesAwaited(faces(0, 3))).toBe(true);
    expect(facesAwaited(faces(0, 0))).toBe(true); // an admin may enrol it from the console meanwhile
    expect(facesAwaited(faces(1, 0))).toBe(false);
    expect(facesAwaited(faces(1, 2))).toBe(false); // a face approved: the check-in is there already
    // a SMART without `onboarding` says `enrolled` alone
    expect(facesAwaited({ ...base, enrolled: false } as Profile)).toBe(true);
    expect(facesAwaited({ ...base, enrolled: true } as Profile)).toBe(false);
    expect(facesAwaited(null)).toBe(false); // no day shown: "Coba Lagi" is the way (ReadAgain)
  });

  it("asks once a minute, waiting longer after reads that got no answer, and at least what SMART asked", () => {
    expect(FACES_CHECK_MS).toBe(60_000);
    expect(facesCheckMs(0)).toBe(60_000);
    expect(facesCheckMs(1)).toBe(120_000);
    expect(facesCheckMs(3)).toBe(480_000);
    expect(facesCheckMs(10)).toBe(FACES_CHECK_MAX_MS); // a phone out of signal all morning: every 15 minutes
    expect(facesCheckMs(0, 300)).toBe(300_000); // SMART busy: its Retry-After
    expect(facesCheckMs(0, 86_400)).toBe(900_000); // a wrong header does not stop it for a day
  });

  it("says the approval politely once it is read, and a check asked for that found the face still waiting", () => {
    expect(facesSaid(faces(0, 3), faces(1, 0), false, "07.13")).toBe("Wajah Anda sudah disetujui admin. Anda sudah dapat absen.");
    expect(facesSaid(faces(0, 0), faces(1, 0), true, "07.13")).toBe("Wajah Anda sudah disetujui admin. Anda sudah dapat absen.");
    expect(facesSaid(faces(0, 3), faces(0, 3), true, "07.13")).toBe("Belum disetujui admin. Diperiksa pukul 07.13.");
    // the minute's own check that found nothing new says nothing; an approved face read again says nothing
    expect(facesSaid(faces(0, 3), faces(0, 3), false, "07.13")).toBe("");
    expect(facesSaid(faces(1, 0), faces(1, 0), false, "07.13")).toBe("");
    // the first read of a first sign-in (nothing shown before) is no change
    expect(facesSaid(null, faces(1, 0), false, "07.13")).toBe("");
  });

  it("offers Periksa lagi, which stays focusable while it reads (aria-disabled) and asks once at a time", () => {
    const onCheck = vi.fn();
    const idle = CheckAgain({ reading: false, onCheck }) as VNode<ButtonProps & { "aria-disabled"?: boolean }>;
    expect([idle.type, idle.props.children, idle.props["aria-disabled"]]).toEqual(["button", "Periksa lagi", undefined]);
    idle.props.onClick();
    expect(onCheck).toHaveBeenCalledOnce();
    const busy = CheckAgain({ reading: true, onCheck }) as VNode<ButtonProps & { "aria-disabled"?: boolean }>;
    expect([busy.props.children, busy.props["aria-disabled"], busy.props.disabled]).toEqual(["Memproses…", true, undefined]);
    busy.props.onClick();
    expect(onCheck).toHaveBeenCalledOnce();
  });
});
