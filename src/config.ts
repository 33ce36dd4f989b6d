import { isIP } from 'node:net'
import { parseSellerLogin, type SellerLogin } from './seller-config.js'

/** One validated configuration for both entry points (action and CLI). */
export interface Config {
  /** The issuer exactly as given: discovery compares the document's issuer with this value. */
  issuer: string
  initialAccessToken?: string
  clientId?: string
  clientSecret?: string
  ordersFeedUrl?: string
  scope: string
  /** PEM text of an extra certificate authority to trust besides the system ones. */
  caCertificate?: string
  allowInsecureHttp: boolean
  /** RFC MUSTs that booking partners tolerate (see the catalogue's `strict`) fail instead of warn. */
  strict: boolean
  failOn: 'failure' | 'warning'
  requestTimeoutMs: number
  /** The whole run's budget: no request starts after it. */
  runTimeoutMs: number
  /** Origins an endpoint may have even when it resolves to an internal address (SSRF guard). */
  allowEndpointOrigins: string[]
  /** The seller's test login: when given, the authorization code flow is checked too. */
  seller?: SellerLogin
}

/** The inputs by their action names; every value is a string as a user typed it. */
export type RawInputs = Partial<Record<InputName, string>>

export const INPUT_NAMES = [
  'issuer',
  'initial-access-token',
  'client-id',
  'client-secret',
  'orders-feed-url',
  'scope',
  'ca-certificate',
  'allow-insecure-http',
  'strict',
  'fail-on',
  'request-timeout',
  'run-timeout',
  'allow-endpoint-origins',
  'seller-username',
  'seller-password',
  'seller-id',
  'redirect-uri',
  'login-mode',
  'login-selectors',
  'chrome-path',
] as const
export type InputName = (typeof INPUT_NAMES)[number]

/** Bad input: the message names the input and never contains a secret value. */
export class InputError extends Error {
  constructor(
    readonly input: InputName,
    message: string,
  ) {
    super(`${input}: ${message}`)
    this.name = 'InputError'
  }
}

export const DEFAULT_SCOPE = 'openactive-ordersfeed'
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 20
export const DEFAULT_RUN_TIMEOUT_SECONDS = 120

/** Validates the inputs; throws {@link InputError} naming the first bad one. */
export function parseConfig(raw: RawInputs): Config {
  const value = (name: InputName) => raw[name]?.trim() || undefined
  const allowInsecureHttp = parseBoolean('allow-insecure-http', value('allow-insecure-http'))

  const issuer = value('issuer')
  if (!issuer)
    throw new InputError('issuer', 'required: the URL of the booking system’s OpenID Provider')
  checkUrl('issuer', issuer, allowInsecureHttp)

  const ordersFeedUrl = value('orders-feed-url')
  if (ordersFeedUrl) checkUrl('orders-feed-url', ordersFeedUrl, allowInsecureHttp)

  const initialAccessToken = value('initial-access-token')
  const clientId = value('client-id')
  const clientSecret = raw['client-secret'] || undefined
  if (initialAccessToken && (clientId || clientSecret)) {
    throw new InputError(
      'initial-access-token',
      'give either an initial access token (to register a new client) or client-id and client-secret (an existing client), not both',
    )
  }
  if (!initialAccessToken && !clientId && !clientSecret) {
    throw new InputError(
      'initial-access-token',
      'required unless client-id and client-secret are given: the check needs a client to take a token with',
    )
  }
  if (clientId && !clientSecret) throw new InputError('client-secret', 'required with client-id')
  if (clientSecret && !clientId) throw new InputError('client-id', 'required with client-secret')

  const scope = value('scope') ?? DEFAULT_SCOPE
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
    throw new InputError('scope', 'must be space-delimited scope tokens (RFC 6749 §3.3)')
  }

  const caCertificate = value('ca-certificate')
  if (caCertificate && !caCertificate.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(
      'ca-certificate',
      'must be the PEM text of a certificate (-----BEGIN CERTIFICATE-----)',
    )
  }

  return {
    issuer,
    initialAccessToken,
    clientId,
    clientSecret,
    ordersFeedUrl,
    scope,
    caCertificate,
    allowInsecureHttp,
    strict: parseBoolean('strict', value('strict')),
    failOn: parseFailOn(value('fail-on')),
    requestTimeoutMs: parseTimeout(value('request-timeout')) * 1000,
    runTimeoutMs:
      parseSeconds('run-timeout', value('run-timeout'), DEFAULT_RUN_TIMEOUT_SECONDS, 3600) * 1000,
    allowEndpointOrigins: parseOrigins(value('allow-endpoint-origins')),
    seller: parseSellerLogin(raw),
  }
}

/** True for the loopback names this tool may reach over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  // Only the name that resolves from the hosts file: other *.localhost names may go to DNS.
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

function checkUrl(name: InputName, text: string, allowInsecureHttp: boolean): void {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(name, `not a URL: ${JSON.stringify(text)}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `must be an https URL (got ${url.protocol})`)
  }
  if (url.username || url.password) throw new InputError(name, 'must not contain credentials')
  if (name === 'issuer' && (url.search || url.hash || text.includes('?') || text.includes('#'))) {
    throw new InputError(
      name,
      'must not have a query or fragment (OpenID Connect Discovery 1.0 §3)',
    )
  }
  if (url.protocol === 'http:') {
    if (!allowInsecureHttp) {
      throw new InputError(
        name,
        'must use https; set allow-insecure-http to check a loopback http server',
      )
    }
    if (!isLoopbackHost(url.hostname)) {
      throw new InputError(name, `http is allowed on loopback only (got host ${url.hostname})`)
    }
  }
}

function parseBoolean(name: InputName, text: string | undefined): boolean {
  if (text === undefined) return false
  if (/^(true|yes|1)$/i.test(text)) return true
  if (/^(false|no|0)$/i.test(text)) return false
  throw new InputError(name, `must be true or false (got ${JSON.stringify(text)})`)
}

function parseFailOn(text: string | undefined): Config['failOn'] {
  if (text === undefined || text === 'failure') return 'failure'
  if (text === 'warning') return 'warning'
  throw new InputError('fail-on', `must be "failure" or "warning" (got ${JSON.stringify(text)})`)
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_REQUEST_TIMEOUT_SECONDS
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) {
    throw new InputError(
      'request-timeout',
      `must be a number of seconds from 1 to 300 (got ${JSON.stringify(text)})`,
    )
  }
  return seconds
}

function parseSeconds(
  name: InputName,
  text: string | undefined,
  fallback: number,
  max: number,
): number {
  if (text === undefined) return fallback
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > max) {
    throw new InputError(
      name,
      `must be a number of seconds from 1 to ${max} (got ${JSON.stringify(text)})`,
    )
  }
  return seconds
}

/** A list of origins, separated by commas, spaces or lines: each https://host[:port]. */
function parseOrigins(text: string | undefined): string[] {
  if (text === undefined) return []
  return text
    .split(/[\s,]+/)
    .filter((item) => item !== '')
    .map((item) => {
      let url: URL
      try {
        url = new URL(item)
      } catch {
        throw new InputError('allow-endpoint-origins', `not a URL: ${JSON.stringify(item)}`)
      }
      if (url.origin === 'null' || url.href.replace(/\/$/, '') !== url.origin) {
        throw new InputError(
          'allow-endpoint-origins',
          `must be origins such as https://host:port, without a path (got ${JSON.stringify(item)})`,
        )
      }
      return url.origin
    })
}
