import type { Exchange } from '../model.js'

/** Helpers that read a recorded response; pure, shared by every stage's checks. */

export type JsonObject = Record<string, unknown>

/** The body parsed as JSON, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A response header's value, joined when repeated. */
export function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.responseHeaders[name.toLowerCase()]
  return Array.isArray(value) ? value.join(', ') : value
}

/** The media type without parameters, lower-cased (RFC 9110 §8.3.1). */
export function mediaType(exchange: Exchange): string | undefined {
  return header(exchange, 'content-type')?.split(';')[0]?.trim().toLowerCase() || undefined
}

/** True for application/json and any application/*+json type. */
export function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type ?? '')
}

/** The first characters of a body on one line, for a message. */
export function excerpt(body: string, max = 200): string {
  const line = printable(body).replace(/\s+/g, ' ').trim()
  if (line === '') return '(empty body)'
  return line.length > max ? `${line.slice(0, max)}…` : line
}

/**
 * What went wrong with a request, in one phrase: the network error, or the status and body.
 * Used when a check needed a particular status and got something else.
 */
export function describeResponse(exchange: Exchange): string {
  if (exchange.error) return `no response (${exchange.error.message})`
  const location = header(exchange, 'location')
  const redirect = location ? ` redirecting to ${location}` : ''
  return `HTTP ${exchange.status}${redirect}; body: ${excerpt(exchange.responseBody)}`
}

/** A value as it appears in a message: strings quoted, others as JSON. */
export function shown(value: unknown): string {
  if (value === undefined) return '(absent)'
  const text = stringify(value)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/**
 * JSON.stringify that cannot throw: a server can send JSON nested deeper than the stack allows
 * to serialise again.
 */
export function stringify(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? String(value)
  } catch {
    return '(a JSON value nested too deeply to show)'
  }
}

/** Text with control characters (terminal escape sequences among them) made visible. */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b\u000c\u000d-\u001f\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** At most ten items of a list, for a message. */
export function listed(items: string[], separator = ', '): string {
  const more = items.length > 10 ? `${separator}and ${items.length - 10} more` : ''
  return `${items.slice(0, 10).join(separator)}${more}`
}

/** A NumericDate as an ISO time, or the number itself when it is no representable date. */
export function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString()
}
