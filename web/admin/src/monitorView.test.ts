// "Pemantauan"'s rules (monitorView.ts, live.ts): what the screen says of its figures, a refresh that never cancels
// the read on its way, and where units that share a spot go on the map.
import { describe, expect, it } from "vitest";
import { Poller, type LiveState } from "./live";
import { holidayNote, markerColour, notRecappedNote, recoveryNote, refreshError, refreshLine, ringOffsets, spots } from "./monitorView";

describe("refreshLine and refreshError", () => {
  it("names the time the figures came, not the time of the last try", () => {
    expect(refreshLine(null, true)).toBe("Diperbarui otomatis setiap 30 detik · memuat…");
    expect(refreshLine("07.02", false)).toBe("Diperbarui otomatis setiap 30 detik · terakhir diperbarui 07.02");
  });

  it("says when the refresh is paused", () => {
    expect(refreshLine("07.02", false, true)).toBe("Pembaruan otomatis dijeda · terakhir diperbarui 07.02");
  });

  it("says plainly that a refresh failed and from when the figures shown are", () => {
    expect(refreshError(null, "07.02")).toBeNull();
    expect(refreshError("Layanan sedang sibuk.", "07.02")).toBe("Gagal memperbarui; angka dari 07.02. Layanan sedang sibuk.");
    expect(refreshError("Layanan sedang sibuk.", null)).toBe("Layanan sedang sibuk."); // nothing shown yet
  });

  it("say once, and only then, that the reads work again", () => {
    expect(recoveryNote(null)).toBe("");
    expect(recoveryNote("07.40")).toBe("Pembaruan berjalan lagi sejak 07.40.");
  });
});

describe("holidayNote", () => {
  it("explains a day on which everyone judged is off", () => {
    expect(holidayNote({ present: 0, absent: 0, off: 7000 })).toContain("Hari libur");
    expect(holidayNote({ present: 1, off: 6999 })).toBeNull();
    expect(holidayNote({})).toBeNull(); // nobody judged at all
  });
});

describe("notRecappedNote", () => {
  it("says a day no recap stored has no TK yet, and how to store it", () => {
    const note = notRecappedNote([
      { counts: { absent: 1200 }, recapped: false },
      { counts: { absent: 34 }, recapped: false },
    ]);
    expect(note).toBe(
      "Tanggal ini belum direkap: 1.234 pegawai yang tampil Tidak hadir belum tercatat TK. " +
        "Untuk merekapnya, buka Rekap, pilih tanggal ini di Rekap harian, lalu tekan Hitung Ulang.",
    );
  });

  it("names how many units wait when others were recapped, and keeps quiet where nobody is absent", () => {
    const units = [{ counts: { absent: 3 }, recapped: false }, { counts: { absent: 5 }, recapped: true }, { counts: { off: 9 }, recapped: false }];
    expect(notRecappedNote(units)).toMatch(/^Tanggal ini belum direkap di 1 dari 3 unit: 3 pegawai/);
    expect(notRecappedNote([{ counts: { absent: 3 }, recapped: true }])).toBeNull();
    expect(notRecappedNote([{ counts: { absent: 3 }, recapped: null }])).toBeNull(); // today: no recap due yet
    expect(notRecappedNote([{ counts: { absent: 3 } }])).toBeNull(); // a stage that does not say
  });
});

describe("markerColour", () => {
  it("measures who came against those with a working day, and greys a unit that is all off", () => {
    expect(markerColour({ present: 70, late: 10, off: 20 }, 100)).toBe("#0b5d3b"); // 80 of 80
    expect(markerColour({ present: 40, off: 20 }, 100)).toBe("#b7791f"); // 40 of 80
    expect(markerColour({ present: 10, absent: 90 }, 100)).toBe("#b42318");
    expect(markerColour({ off: 100 }, 100)).toBe("#7b8794");
    expect(markerColour({}, 0)).toBe("#7b8794");
  });
});

describe("ringOffsets", () => {
  it("keeps a lone unit on its spot and spreads more around it, none on another", () => {
    expect(ringOffsets(1)).toEqual([[0, 0]]);
    expect(ringOffsets(0)).toEqual([]);
    for (const n of [2, 6, 7, 20, 63]) {
      const places = ringOffsets(n);
      expect(places).toHaveLength(n);
      for (const [i, a] of places.entries()) {
        expect(Math.hypot(a[0], a[1])).toBeGreaterThanOrEqual(21.9); // off the spot's own dot
        for (const b of places.slice(i + 1)) expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThanOrEqual(18); // 18 px markers
      }
    }
  });

  it("fills the nearest ring first", () => {
    expect(ringOffsets(6).every(([x, y]) => Math.abs(Math.hypot(x, y) - 22) < 0.2)).toBe(true);
    expect(Math.max(...ringOffsets(20).map(([x, y]) => Math.hypot(x, y)))).toBeLessThan(67);
  });
});

describe("spots", () => {
  it("groups items drawn at one spot, in their order, and leaves out those not drawn", () => {
    const at: Record<string, [number, number] | null> = { a: [-6.8467, 107.4858], b: [-6.846700001, 107.4858], c: [-6.9, 107.5], d: null };
    const found = spots(["a", "b", "c", "d"], (k) => at[k] ?? null);
    expect(found.map((s) => s.items)).toEqual([["a", "b"], ["c"]]);
  });
});

describe("Poller", () => {
  function deferred<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it("skips a tick while a read is on its way instead of cancelling it", async () => {
    const reads: { signal: AbortSignal; answer: ReturnType<typeof deferred<number>> }[] = [];
    const states: LiveState<number>[] = [];
    const poller = new Poller<number>(
      (signal) => {
        const answer = deferred<number>();
        reads.push({ signal, answer });
        return answer.promise;
      },
      (s) => states.push(s),
      () => new Date("2026-12-07T00:02:00Z"),
    );
    expect(poller.tick()).toBe(true);
    expect(poller.tick()).toBe(false); // 30 s later, the summary still on its way
    expect(reads).toHaveLength(1);
    expect(reads[0]?.signal.aborted).toBe(false);
    reads[0]?.answer.resolve(7000);
    await flush();
    expect(states.at(-1)).toEqual({ data: 7000, okAt: new Date("2026-12-07T00:02:00Z"), error: null, loading: false, recoveredAt: null });
    expect(poller.tick()).toBe(true); // the next tick reads again
  });

  it("keeps the last figures and their time when a refresh fails, and ignores a read it stopped", async () => {
    let n = 0;
    const answers = [() => Promise.resolve(1), () => Promise.reject(new Error("503")), () => new Promise<number>(() => undefined)];
    const states: LiveState<number>[] = [];
    const read = (): Promise<number> => (answers[n++] ?? answers[0])!();
    const poller = new Poller<number>(read, (s) => states.push(s), () => new Date(Date.UTC(2026, 11, 7, n)));
    poller.tick();
    await flush();
    const okAt = states.at(-1)?.okAt;
    poller.tick();
    await flush();
    expect(states.at(-1)).toMatchObject({ data: 1, okAt, loading: false, error: "Terjadi kesalahan. Coba lagi." });
    poller.tick();
    poller.stop();
    expect(poller.tick()).toBe(false);
  });

  it("keeps when reads worked again after a failure, until the next failure", async () => {
    const outcomes = [true, false, true, true, false];
    let n = 0;
    const read = (): Promise<number> => (outcomes[n++] ? Promise.resolve(n) : Promise.reject(new Error("503")));
    const states: LiveState<number>[] = [];
    const poller = new Poller<number>(read, (s) => states.push(s), () => new Date(Date.UTC(2026, 11, 7, 0, n)));
    const after = async (): Promise<Date | null | undefined> => {
      poller.tick();
      await flush();
      return states.at(-1)?.recoveredAt;
    };
    expect(await after()).toBeNull(); // the first read worked: nothing to say
    expect(await after()).toBeNull(); // failed: the error line says so
    expect(await after()).toEqual(new Date(Date.UTC(2026, 11, 7, 0, 3))); // worked again
    expect(await after()).toEqual(new Date(Date.UTC(2026, 11, 7, 0, 3))); // the same text: not spoken again
    expect(await after()).toBeNull();
  });
});
