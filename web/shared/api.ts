// The HTTP client both web apps share: same origin as the API (/v1/), JSON in and out, and the API's own
// Indonesian error message (`{"error": {"code", "message"}}`) carried to the screen unchanged.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** The seconds the answer asked to wait before trying again (`Retry-After`, or `details.retry_after_s`); null
   * when it did not say (no answer at all, or none given). */
  readonly retryAfterS: number | null;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}, retryAfterS: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterS = retryAfterS;
  }
}

export const NETWORK_ERROR = "NETWORK";

/** Whether a call gave up after its whole time limit without an answer (a link that carries nothing), rather
 * than failing at once. */
export function timedOut(exc: unknown): boolean {
  return exc instanceof ApiError && exc.code === NETWORK_ERROR && exc.details["timed_out"] === true;
}
const NETWORK_MESSAGE = "Tidak ada koneksi ke server. Periksa sinyal, lalu coba lagi.";
const SLOW_MESSAGE = "Server tidak menjawab: koneksi terlalu lemah atau lambat. Coba lagi.";

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/** How long to wait, in words: "15 menit", "40 detik" (a part of a minute counts as a minute from one on). */
export function waitText(seconds: number): string {
  return seconds < 60 ? `${String(Math.ceil(seconds))} detik` : `${String(Math.ceil(seconds / 60))} menit`;
}

/** The seconds to wait before trying again: the answer's `Retry-After` (seconds), else the lockout's own
 * `retry_after_s`; null when neither says. */
function retryAfter(headers: Headers | undefined, details: Record<string, unknown>): number | null {
  const header = headers?.get("Retry-After");
  const seconds = header && /^\d+$/.test(header.trim()) ? Number(header) : details["retry_after_s"];
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

const SOME_TIME = "beberapa saat lagi";

export function errorFrom(status: number, body: unknown, headers?: Headers): ApiError {
  const error = (body as ErrorBody | null)?.error;
  const code = typeof error?.code === "string" ? error.code : "HTTP_" + String(status);
  let message =
    typeof error?.message === "string" && error.message
      ? error.message
      : `Terjadi kesalahan pada server (HTTP ${String(status)}). Coba lagi nanti.`;
  const details = (typeof error?.details === "object" && error.details !== null ? error.details : {}) as Record<string, unknown>;
  // A lockout says how long it lasts when the answer tells ("Coba lagi dalam 15 menit."), not "beberapa saat lagi".
  const wait = retryAfter(headers, details);
  if (status === 429 && wait !== null && message.includes(SOME_TIME)) message = message.replace(SOME_TIME, `dalam ${waitText(wait)}`);
  return new ApiError(status, code, message, details, wait);
}

export interface RequestOptions {
  /** Sent as JSON, or as it is when a Blob (a file) with `contentType`. */
  body?: unknown;
  contentType?: string;
  token?: string | null;
  signal?: AbortSignal;
  /** Give up after this long (sending, waiting and reading the answer) as if the signal were lost: a link that is
   * up but carries nothing (weak signal with `navigator.onLine` still true) would otherwise hang for good. */
  timeoutMs?: number;
  /** Told the headers of every answer as soon as it arrives, a refusal's as well as a success's (the server's
   * `Date`, which a refusal tells as truly). */
  onAnswer?: (headers: Headers) => void;
}

/** The caller's signal, aborted too after `timeoutMs`; `timedOut()` tells the two apart. */
function deadline(signal: AbortSignal | undefined, timeoutMs: number | undefined) {
  const ctrl = new AbortController();
  let late = false;
  const forward = (): void => ctrl.abort();
  if (signal?.aborted) ctrl.abort();
  signal?.addEventListener("abort", forward, { once: true });
  const timer = timeoutMs
    ? setTimeout(() => {
        late = true;
        ctrl.abort();
      }, timeoutMs)
    : undefined;
  return {
    signal: ctrl.signal,
    timedOut: () => late,
    done: (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    },
  };
}

/** A body as JSON, or null when empty or not JSON. */
function parsed(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Reads an answer's body as JSON (null when empty or not JSON). */
export const readJson = async (response: Response): Promise<unknown> => parsed(await response.text());

/** What a call read of a successful answer: its headers and its body (as `read` took it). */
export interface Answer<B> {
  headers: Headers;
  body: B;
}

/** One call: the answer's body read by `read` within the time limit; a failed answer becomes an ApiError with
 * the API's code and message. */
export async function exchange<B>(
  method: string,
  path: string,
  options: RequestOptions,
  read: (response: Response) => Promise<B>,
): Promise<Answer<B>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const raw = options.body instanceof Blob;
  if (options.body !== undefined) headers["Content-Type"] = raw ? (options.contentType ?? "application/octet-stream") : "application/json; charset=utf-8";
  if (options.token) headers["Authorization"] = `Bearer ${options.token}`;
  const limit = deadline(options.signal, options.timeoutMs);
  const init: RequestInit = { method, headers, credentials: "omit", signal: limit.signal };
  if (options.body !== undefined) init.body = raw ? (options.body as Blob) : JSON.stringify(options.body);
  try {
    const response = await fetch(path, init);
    options.onAnswer?.(response.headers);
    if (!response.ok) throw errorFrom(response.status, await readJson(response), response.headers);
    return { headers: response.headers, body: await read(response) };
  } catch (exc) {
    if (exc instanceof ApiError) throw exc;
    if (limit.timedOut()) throw new ApiError(0, NETWORK_ERROR, SLOW_MESSAGE, { timed_out: true });
    if (exc instanceof DOMException && exc.name === "AbortError") throw exc;
    throw new ApiError(0, NETWORK_ERROR, NETWORK_MESSAGE);
  } finally {
    limit.done();
  }
}

/** One JSON call: the answer's body as JSON (null when empty). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  return (await exchange(method, path, options, readJson)).body as T;
}

/** A problem the screen found itself, worded for the user (a file that cannot be imported, say). */
export class UserMessage extends Error {
  override readonly name = "UserMessage";
}

export function messageOf(exc: unknown): string {
  if (exc instanceof ApiError || exc instanceof UserMessage) return exc.message;
  return "Terjadi kesalahan. Coba lagi.";
}
