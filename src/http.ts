import { rootCertificates } from 'node:tls'
import got, { type Got, RequestError } from 'got'
import type { Exchange, Stage } from './model.js'
import { TOOL } from './tool.js'

/** The most of a response body the tool reads. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024

export interface HttpRequest {
  stage: Stage
  label: string
  method: 'GET' | 'POST'
  url: string
  headers?: Record<string, string>
  body?: string
}

export interface HttpOptions {
  timeoutMs: number
  /** PEM of an extra certificate authority, trusted besides the system ones. */
  caCertificate?: string
}

/**
 * The one HTTP client: every request the tool makes goes through it and is recorded.
 *
 * A conformance probe is never retried, redirects are not followed (a redirect is something to
 * report, not to obey), and every request ends within `timeoutMs`.
 */
export class HttpClient {
  readonly exchanges: Exchange[] = []
  readonly #got: Got

  constructor(options: HttpOptions) {
    this.#got = got.extend({
      throwHttpErrors: false,
      followRedirect: false,
      retry: { limit: 0 },
      timeout: { request: options.timeoutMs },
      responseType: 'text',
      headers: { 'user-agent': `${TOOL.name}/${TOOL.version}` },
      https: options.caCertificate
        ? { certificateAuthority: [...rootCertificates, options.caCertificate] }
        : {},
    })
  }

  /** Sends one request; a network error is recorded in the exchange, never thrown. */
  async send(request: HttpRequest): Promise<Exchange> {
    const startedAt = Date.now()
    const started = performance.now()
    const exchange: Exchange = {
      stage: request.stage,
      label: request.label,
      method: request.method,
      url: request.url,
      requestHeaders: recordedHeaders(request.headers ?? {}),
      requestBody: request.body,
      responseHeaders: {},
      responseBody: '',
      startedAt,
      durationMs: 0,
    }
    let tooLarge = false
    try {
      const pending = this.#got(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
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
      exchange.responseBody = response.body
    } catch (error) {
      exchange.error = tooLarge
        ? {
            code: 'ERR_BODY_TOO_LARGE',
            message: `the response exceeded ${MAX_BODY_BYTES / 1024 / 1024} MiB and was not read further`,
          }
        : describeError(error)
    }
    exchange.durationMs = Math.round(performance.now() - started)
    this.exchanges.push(exchange)
    return exchange
  }
}

/** Request headers as recorded: credentials never reach the recording. */
function recordedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name.toLowerCase() === 'authorization' ? value.replace(/ .*/, ' [REDACTED]') : value
  }
  return out
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof RequestError) {
    const code = error.code ?? 'ERR_REQUEST'
    if (error.name === 'TimeoutError') {
      return { code, message: `no response within the request timeout (${code})` }
    }
    const cause = error.cause instanceof Error ? error.cause.message : error.message
    return { code, message: cause }
  }
  return { code: 'ERR_UNKNOWN', message: error instanceof Error ? error.message : String(error) }
}
