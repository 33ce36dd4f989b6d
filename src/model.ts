/**
 * The data every part of the tool shares: stages, findings and recorded HTTP exchanges.
 * Nothing here performs I/O.
 */

/** The protocol stages, in the order a booking partner goes through them. */
export const STAGES = [
  'discovery',
  'jwks',
  'registration',
  'token',
  'access-token',
  'orders-feed',
  'authorization',
] as const
export type Stage = (typeof STAGES)[number]

/** The names a seller reads in the report. */
export const STAGE_TITLES: Record<Stage, string> = {
  discovery: 'Discovery',
  jwks: 'JWKS',
  registration: 'Dynamic Client Registration',
  token: 'Client Credentials grant',
  'access-token': 'Access token',
  'orders-feed': 'Orders feed',
  authorization: 'Seller authorization (authorization code flow)',
}

/** `must` breaks a booking partner; `should` is a recommendation; `info` is advice only. */
export type Level = 'must' | 'should' | 'info'

export type Status = 'pass' | 'fail' | 'warn' | 'skip'

/** One outcome of one check, as a seller reads it. A finding is data, never an exception. */
export interface Finding {
  id: string
  stage: Stage
  level: Level
  status: Status
  message: string
  reference: string
  /** What a seller's engineer changes when the check fails or warns. */
  fix: string
}

/** One HTTP request and its response (or the network error that replaced it), as recorded. */
export interface Exchange {
  stage: Stage
  /** What the request was for, e.g. "Discovery" or "Orders feed without a token". */
  label: string
  method: string
  url: string
  requestHeaders: Record<string, string>
  requestBody?: string
  status?: number
  responseHeaders: Record<string, string | string[] | undefined>
  responseBody: string
  /** Set when no HTTP response arrived. `code` is Node's error code, e.g. ECONNREFUSED. */
  error?: { code: string; message: string }
  startedAt: number
  durationMs: number
  /** The tries before the last, when a network error, 429 or 502–504 was retried. */
  retries?: Retry[]
}

/** One retried attempt: what went wrong and how long the tool waited before the next. */
export interface Retry {
  reason: string
  delayMs: number
}
