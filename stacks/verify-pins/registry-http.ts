/**
 * HTTP for every registry verify-pins asks: a per-request timeout, one retry of a 429 that asks for at
 * most `MAX_RETRY_AFTER_SECONDS`, and every failure that leaves the answer unknown (DNS, refused, TLS,
 * timeout, 429, 5xx) thrown as `RegistryUnreachable` with a note that says why.
 *
 * `endpoints` maps a host to a base URL that stands in for `https://<host>` (a mirror, or a test's local
 * server); every request, token requests included, goes through it, so tests run the shipping code path.
 */
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** The longest Retry-After a 429 may ask for before the registry counts as unreachable. */
export const MAX_RETRY_AFTER_SECONDS = 10;
/** How long to wait before retrying a 429 that names no Retry-After. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** The registry did not give an answer (exists or not): the check is incomplete. */
export class RegistryUnreachable extends Error {
  constructor(readonly note: string) {
    super(note);
    this.name = 'RegistryUnreachable';
  }
}

export interface RegistryHttpOptions {
  /** Per-request timeout, body included. */
  readonly timeoutMs: number;
  /** Host → base URL standing in for `https://<host>`, e.g. { "ghcr.io": "http://127.0.0.1:5000" }. @default none */
  readonly endpoints?: Readonly<Record<string, string>>;
}

export interface RegistryRequest {
  readonly method?: 'GET' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
}

/** A response with its body read (empty for HEAD). */
export interface RegistryResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  /** The URL that was requested, after `endpoints`. */
  readonly url: string;
}

export class RegistryHttp {
  private readonly endpoints: ReadonlyMap<string, URL>;

  constructor(private readonly options: RegistryHttpOptions) {
    this.endpoints = new Map(Object.entries(options.endpoints ?? {}).map(([host, base]) => [host, new URL(base)]));
  }

  /** The URL actually requested for `url`: its origin replaced by the host's endpoint, if it has one. */
  resolve(url: string): string {
    const parsed = new URL(url);
    const base = this.endpoints.get(parsed.host);
    if (!base) return parsed.href;
    return `${base.origin}${base.pathname.replace(/\/$/, '')}${parsed.pathname}${parsed.search}`;
  }

  /**
   * Sends the request; returns any answer below 500 except a 429 (retried once when the registry asks for
   * at most `MAX_RETRY_AFTER_SECONDS`), and throws `RegistryUnreachable` for everything else.
   */
  async request(url: string, request: RegistryRequest = {}): Promise<RegistryResponse> {
    const first = await this.send(url, request);
    if (first.status !== 429) return this.answered(first);
    const wait = retryAfterSeconds(first.headers.get('retry-after'));
    if (wait > MAX_RETRY_AFTER_SECONDS) {
      throw new RegistryUnreachable(`HTTP 429 Too Many Requests with Retry-After ${wait} s (longer than ${MAX_RETRY_AFTER_SECONDS} s)`);
    }
    await sleep(wait * 1000);
    const second = await this.send(url, request);
    if (second.status === 429) throw new RegistryUnreachable(`HTTP 429 Too Many Requests, again on the one retry ${wait} s later`);
    return this.answered(second);
  }

  private answered(response: RegistryResponse): RegistryResponse {
    if (response.status >= 500) throw new RegistryUnreachable(`${httpStatus(response.status)} from ${new URL(response.url).host}`);
    return response;
  }

  private async send(url: string, request: RegistryRequest): Promise<RegistryResponse> {
    const target = this.resolve(url);
    const method = request.method ?? 'GET';
    try {
      const response = await fetch(target, {
        method,
        headers: request.headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, body, url: target };
    } catch (error) {
      throw new RegistryUnreachable(networkNote(error, new URL(target).host, this.options.timeoutMs));
    }
  }
}

/** Seconds to wait from a Retry-After header (delay-seconds or an HTTP-date, RFC 9110 section 10.2.3). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(0, Math.ceil((date - now) / 1000));
}

/** "ENOTFOUND ghcr.io", "ECONNREFUSED 127.0.0.1:9", "timed out after 10 s", "TLS CERT_HAS_EXPIRED ...". */
export function networkNote(error: unknown, host: string, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError') return `timed out after ${duration(timeoutMs)} (${host})`;
  const code = err?.cause?.code;
  if (code && /CERT|TLS|SSL/.test(code)) return `TLS error ${code} (${host})`;
  if (code) return `${code} ${host}`;
  return `${err?.cause?.message ?? err?.message ?? String(error)} (${host})`;
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** "HTTP 404 Not Found". */
export function httpStatus(status: number): string {
  return STATUS_CODES[status] ? `HTTP ${status} ${STATUS_CODES[status]}` : `HTTP ${status}`;
}
