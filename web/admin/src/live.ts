// A screen that refreshes itself ("Pemantauan"): its read is made at once and again on each tick of a timer. A tick
// while the read before is still on its way is skipped, never cancelling it (at 07:00 a regency's summary can take
// longer than the timer's period, and would otherwise never arrive); the last answer stays, with the time it came,
// and a failed refresh says so beside it.
import { useEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "../../shared/api";
import { serverNow, today } from "./format";
import { current } from "./session";

export interface LiveState<T> {
  /** The last answer that came (kept when a later read failed). */
  data: T | null;
  /** When that answer came. */
  okAt: Date | null;
  /** Why the last read failed; null once one succeeds. */
  error: string | null;
  /** A read is on its way. */
  loading: boolean;
  /** When a read succeeded after one had failed, none failing since (the screen says so once: `recoveryNote`). */
  recoveredAt: Date | null;
}

export const NOTHING_YET: LiveState<never> = { data: null, okAt: null, error: null, loading: false, recoveredAt: null };

/** The reads of one key (a date, a unit): `tick` starts one unless one is on its way; `stop` cancels the one on
 * its way and ignores whatever it brings. */
export class Poller<T> {
  private inFlight: AbortController | null = null;
  private stopped = false;
  private state: LiveState<T> = NOTHING_YET;

  constructor(
    private readonly load: (signal: AbortSignal) => Promise<T>,
    private readonly onChange: (state: LiveState<T>) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts a read; false (nothing done) while one is on its way or after `stop`. */
  tick(): boolean {
    if (this.inFlight || this.stopped) return false;
    const ctrl = new AbortController();
    this.inFlight = ctrl;
    this.set({ loading: true });
    this.load(ctrl.signal).then(
      (data) => {
        if (!this.settle(ctrl)) return;
        const now = this.now();
        this.set({ data, okAt: now, error: null, loading: false, recoveredAt: this.state.error === null ? this.state.recoveredAt : now });
      },
      (exc: unknown) => {
        if (this.settle(ctrl)) this.set({ error: messageOf(exc), loading: false, recoveredAt: null });
      },
    );
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  private settle(ctrl: AbortController): boolean {
    if (this.inFlight !== ctrl) return false;
    this.inFlight = null;
    return !this.stopped;
  }

  private set(change: Partial<LiveState<T>>): void {
    this.state = { ...this.state, ...change };
    this.onChange(this.state);
  }
}

/** A live screen's reads and their pause: "Jeda pembaruan otomatis" stops the timer (WCAG 2.2.2: figures that
 * move by themselves can be stopped), the figures shown stay; taken off, a read is made at once. */
export interface Live<T> extends LiveState<T> {
  paused: boolean;
  pause: (paused: boolean) => void;
}

/** `load`'s answer, read when `key` changes (the read of the key before is cancelled) and, unless paused, every
 * `everyMs` and when the tab comes back into view, a tick skipped while a read is on its way. */
export function useLive<T>(load: (signal: AbortSignal) => Promise<T>, key: string, everyMs: number): Live<T> {
  const [state, setState] = useState<LiveState<T>>(NOTHING_YET);
  const [paused, pause] = useState(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const poller = useRef<Poller<T> | null>(null);
  useEffect(() => {
    setState(NOTHING_YET);
    // "terakhir diperbarui" by SMART's clock, as the rest of the console
    const reads = new Poller<T>((signal) => loadRef.current(signal), setState, () => new Date(serverNow()));
    poller.current = reads;
    reads.tick();
    return () => reads.stop();
  }, [key]);
  useEffect(() => {
    if (paused) return;
    poller.current?.tick(); // taken off pause (on the first render, the key's read is on its way: skipped)
    // A tab out of view (Chrome still fires about once a minute) and a screen kept under the login (decision 355:
    // every read a 401) skip their ticks; the tab coming back reads at once.
    const timer = window.setInterval(() => {
      if (document.visibilityState !== "hidden" && current() !== null) poller.current?.tick();
    }, everyMs);
    const onVisible = (): void => {
      if (document.visibilityState === "visible") poller.current?.tick();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [paused, everyMs]);
  return { ...state, paused, pause };
}

/** The date a live screen shows: `picked`, or today's while none is (`""`), so that a screen left open past
 * midnight (a hospital's night, a session ended at 19:00 and signed into again at 07:15) goes on to the new day. */
export function shownDay(picked: string, todayIs: string): string {
  return picked || todayIs;
}

/** What a date typed in keeps: today's follows the clock again (`""`), any other stays. */
export function pickedDay(value: string, todayIs: string): string {
  return value === todayIs ? "" : value;
}

/** `[the date shown, pick a date]` of a live screen (`shownDay`, `pickedDay`); the screen re-renders at each
 * refresh, so the date moves on at the first one after midnight. */
export function useFollowedDay(): [string, (value: string) => void] {
  const [picked, setPicked] = useState("");
  return [shownDay(picked, today()), (value) => setPicked(pickedDay(value, today()))];
}
