import { rootCertificates } from 'node:tls'
import got, { type Got, RequestError } from 'got'
import type { CookieJar } from 'tough-cookie'
import type { Exchange, Retry, Stage } from './model.js'
import { decodeBody, MAX_BODY_BYTES } from './net/body.js'
import { guardedLookup, type Lookup } from './net/guard.js'
import { TOOL } from './tool.js'

export { MAX_BODY_BYTES }

export interface HttpRequest {
  stage: Stage
  label: string
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  headers?: Record<string, string>
  body?: string
  /**
   * Only for the seller's login (authorization stage): cookies the server sets are kept here and
   * sent back, as a browser would. The Cookie header got adds is not recorded.
   */
  cookieJar?: CookieJar
  /**
   * On the critical path (discovery → registration → token → Orders feed): never queued behind
   * probes for a slot. The critical path is sequential, so at most one such request is in flight.
   */
  critical?: boolean
}

export interface HttpOptions {
  timeoutMs: number
  /** PEM of an extra certificate authority, trusted besides the system ones. */
  caCertificate?: string
  /** The whole run's budget: no request starts after it, none runs past it. */
  budgetMs?: number
  /** The resolver; injectable so that tests need no DNS. */
  lookup?: Lookup
}

/** Failures that say nothing about conformance, worth another try. */
const RETRY_STATUSES = new Set([429, 502, 503, 504])
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'])
const MAX_RETRIES = 2
/** Requests in flight at once: probes run beside the main flow, but never as a flood. */
const MAX_CONCURRENT = 4
const RETRY_AFTER_CAP_MS = 10_000
const BACKOFF_MS = 500

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/**
 * The one HTTP client: every request the tool makes goes through it and is recorded.
 *
 * Redirects are not followed (a redirect is something to report, not to obey, and credentials
 * must not follow it); every request ends within `timeoutMs` and the run's budget; a body is
 * read up to {@link MAX_BODY_BYTES}, before and after decompression. Network errors, 429 and
 * 502–504 are retried at most twice (a POST only when nothing reached the server: 429 or a
 * refused connection), and each retry is recorded with the exchange.
 */
export class HttpClient {
  readonly exchanges: Exchange[] = []
  readonly #got: Got
  readonly #timeoutMs: number
  readonly #deadline: number
  readonly #lookup?: Lookup

  constructor(options: HttpOptions) {
    this.#timeoutMs = options.timeoutMs
    this.#deadline = performance.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY)
    this.#lookup = options.lookup
    this.#got = got.extend({
      throwHttpErrors: false,
      followRedirect: false,
      retry: { limit: 0 },
      decompress: false,
      responseType: 'buffer',
      headers: {
        'user-agent': `${TOOL.name}/${TOOL.version}`,
        'accept-encoding': 'gzip, deflate, br',
      },
      https: options.caCertificate
        ? { certificateAuthority: [...rootCertificates, options.caCertificate] }
        : {},
    })
  }

  /**
   * From now on, connections to internal addresses (loopback, link-local, private) are refused
   * at connection time, except to the issuer's origin and the allowed ones, unless the issuer is
   * internal too. Discovery decides this, after checking the advertised endpoints' addresses.
   */
  guardAddresses(guard: { issuerInternal: boolean; lookup: Lookup; exempt: string[] }): void {
    this.#guard = { ...guard, exempt: new Set(guard.exempt) }
  }

  #guard?: { issuerInternal: boolean; lookup: Lookup; exempt: Set<string> }

  #lookupFor(url: string) {
    const guard = this.#guard
    if (guard && !guard.issuerInternal && !guard.exempt.has(new URL(url).origin)) {
      return guardedLookup(guard.lookup, false)
    }
    return this.#lookup ? guardedLookup(this.#lookup, true) : undefined
  }

  /**
   * Records an exchange the tool did not send itself: a browser's, during the seller's login in
   * browser mode (Chromium does that network traffic; this keeps it in the transcript).
   */
  record(exchange: Exchange): void {
    this.exchanges.push(exchange)
  }

  /** Sends one request; a network error is recorded in the exchange, never thrown. */
  async send(request: HttpRequest): Promise<Exchange> {
    const exchange: Exchange = {
      stage: request.stage,
      label: request.label,
      method: request.method,
      url: request.url,
      requestHeaders: recordedHeaders(request.headers ?? {}),
      requestBody: request.body,
      responseHeaders: {},
      responseBody: '',
      startedAt: Date.now(),
      durationMs: 0,
    }
    // Recorded in the order requests are made, whatever order their answers come in.
    this.exchanges.push(exchange)
    if (!request.critical) await this.#slot()
    exchange.startedAt = Date.now()
    const started = performance.now()
    const retries: Retry[] = []
    try {
      for (;;) {
        await this.#attempt(request, exchange)
        const delay = this.#retryDelay(request, exchange, retries.length)
        if (delay === undefined) break
        retries.push({ reason: exchange.error?.code ?? `HTTP ${exchange.status}`, delayMs: delay })
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    } finally {
      if (!request.critical) this.#release()
    }
    if (retries.length > 0) exchange.retries = retries
    exchange.durationMs = Math.round(performance.now() - started)
    return exchange
  }

  #active = 0
  readonly #waiting: (() => void)[] = []

  /** Waits for one of the {@link MAX_CONCURRENT} request slots; FIFO, so order is kept. */
  async #slot(): Promise<void> {
    if (this.#active < MAX_CONCURRENT) {
      this.#active++
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  #release(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#active--
  }

  async #attempt(request: HttpRequest, exchange: Exchange): Promise<void> {
    exchange.status = undefined
    exchange.error = undefined
    exchange.responseHeaders = {}
    exchange.responseBody = ''
    const remaining = this.#deadline - performance.now()
    if (remaining <= 0) {
      exchange.error = {
        code: 'ERR_RUN_BUDGET',
        message: 'the run’s time budget was spent; the request was not sent',
      }
      return
    }
    let tooLarge = false
    try {
      const lookup = this.#lookupFor(request.url)
      const pending = this.#got(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        ...(request.cookieJar ? { cookieJar: request.cookieJar } : {}),
        timeout: { request: Math.max(1, Math.min(this.#timeoutMs, Math.floor(remaining))) },
        ...(lookup ? { dnsLookup: lookup } : {}),
      })
      // A server must not be able to fill our memory: stop reading past the cap.
      pending.on('downloadProgress', ({ transferred }) => {
        if (transferred > MAX_BODY_BYTES && !tooLarge) {
          tooLarge = true
          pending.cancel()
        }
      })
      const response = await pending
      exchange.status = response.statusCode
      exchange.responseHeaders = { ...response.headers }
      const raw = Buffer.isBuffer(response.rawBody)
        ? response.rawBody
        : Buffer.from(String(response.body))
      const body = decodeBody(raw, header(response.headers['content-encoding']))
      if ('text' in body) exchange.responseBody = body.text
      else {
        // Without a usable body there is no response to check: report the reason instead.
        exchange.error = {
          code: 'ERR_BODY_UNREADABLE',
          message: `HTTP ${response.statusCode}, but ${body.problem}`,
        }
        exchange.status = undefined
      }
    } catch (error) {
      exchange.error = tooLarge
        ? {
            code: 'ERR_BODY_TOO_LARGE',
            message: `the response exceeded ${MAX_BODY_BYTES / 1024} KiB and was cut`,
          }
        : describeError(error, request.url, remaining < this.#timeoutMs)
    }
  }

  /** How long to wait before another try, or undefined for none. */
  #retryDelay(request: HttpRequest, exchange: Exchange, done: number): number | undefined {
    if (done >= MAX_RETRIES) return undefined
    const code = exchange.error?.code
    const status = exchange.status
    const retryable =
      (code !== undefined && RETRY_CODES.has(code)) ||
      (status !== undefined && RETRY_STATUSES.has(status))
    if (!retryable) return undefined
    const nothingReached = status === 429 || code === 'ECONNREFUSED'
    if (request.method !== 'GET' && !nothingReached) return undefined
    const retryAfter =
      status === 429 || status === 503
        ? retryAfterMs(header(exchange.responseHeaders['retry-after']))
        : undefined
    const delay = Math.min(retryAfter ?? BACKOFF_MS * 2 ** done, RETRY_AFTER_CAP_MS)
    // A retry that cannot finish within the budget is not worth starting.
    return performance.now() + delay + this.#timeoutMs / 4 < this.#deadline ? delay : undefined
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/** Request headers as recorded: credentials never reach the recording. */
function recordedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name.toLowerCase() === 'authorization' ? value.replace(/ .*/, ' [REDACTED]') : value
  }
  return out
}

/** `budgetCut`: the run's budget, not the request timeout, set this request's time limit. */
function describeError(
  error: unknown,
  url: string,
  budgetCut: boolean,
): { code: string; message: string } {
  if (error instanceof RequestError) {
    const code = error.code ?? 'ERR_REQUEST'
    if (error.name === 'TimeoutError') {
      const limit = budgetCut
        ? 'before the run’s time budget (run-timeout) ran out'
        : 'within the request timeout'
      return { code, message: `no response ${limit} (${code})` }
    }
    const reason = error.cause instanceof Error ? error.cause.message : error.message
    if (TLS_CODES.has(code)) {
      return {
        code,
        message: `TLS: the certificate of ${new URL(url).host} is not trusted: ${reason} (${code}); if a private CA issued it, give that CA in ca-certificate`,
      }
    }
    return { code, message: reason }
  }
  return { code: 'ERR_UNKNOWN', message: error instanceof Error ? error.message : String(error) }
}
