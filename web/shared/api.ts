// The HTTP client both web apps share: same origin as the API (/v1/), JSON in and out, and the API's own
// Indonesian error message (`{"error": {"code", "message"}}`) carried to the screen unchanged.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const NETWORK_ERROR = "NETWORK";
const NETWORK_MESSAGE = "Tidak ada koneksi ke server. Periksa sinyal, lalu coba lagi.";

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

export function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as ErrorBody | null)?.error;
  const code = typeof error?.code === "string" ? error.code : "HTTP_" + String(status);
  const message =
    typeof error?.message === "string" && error.message
      ? error.message
      : `Terjadi kesalahan pada server (HTTP ${String(status)}). Coba lagi nanti.`;
  const details = typeof error?.details === "object" && error.details !== null ? error.details : {};
  return new ApiError(status, code, message, details as Record<string, unknown>);
}

export interface RequestOptions {
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
  if (options.token) headers["Authorization"] = `Bearer ${options.token}`;
  const init: RequestInit = { method, headers, credentials: "omit" };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (exc) {
    if (exc instanceof DOMException && exc.name === "AbortError") throw exc;
    throw new ApiError(0, NETWORK_ERROR, NETWORK_MESSAGE);
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) throw errorFrom(response.status, body);
  return body as T;
}

/** A problem the screen found itself, worded for the user (a file that cannot be imported, say). */
export class UserMessage extends Error {
  override readonly name = "UserMessage";
}

export function messageOf(exc: unknown): string {
  if (exc instanceof ApiError || exc instanceof UserMessage) return exc.message;
  return "Terjadi kesalahan. Coba lagi.";
}
