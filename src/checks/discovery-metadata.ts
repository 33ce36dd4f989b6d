import type { Exchange, Finding } from '../model.js'
import { passed, skipped, violated } from './catalogue.js'
import { describeResponse, isJsonObject, type JsonObject, parseJson, shown } from './response.js'

/** Metadata fields that hold endpoint URLs booking partners call. */
export const ENDPOINT_FIELDS = [
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'userinfo_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
] as const

export const OPENACTIVE_SCOPES = [
  'openid',
  'openactive-openbooking',
  'openactive-ordersfeed',
  'openactive-identity',
  'offline_access',
] as const

export const OPENACTIVE_CLAIMS = [
  'https://openactive.io/sellerId',
  'https://openactive.io/sellerName',
  'https://openactive.io/sellerUrl',
  'https://openactive.io/sellerLogo',
  'https://openactive.io/bookingServiceName',
  'https://openactive.io/bookingServiceUrl',
] as const

/** What the discovery document advertises beyond the required fields. */
export function checkAdvertised(document: JsonObject, issuer: string): Finding[] {
  return [
    checkEndpointOrigins(document, issuer),
    checkListed(
      document,
      'grant_types_supported',
      ['client_credentials'],
      ['authorization_code', 'implicit'],
    ),
    checkListed(document, 'scopes_supported', OPENACTIVE_SCOPES),
    checkListed(
      document,
      'token_endpoint_auth_methods_supported',
      ['client_secret_basic'],
      ['client_secret_basic'],
    ),
    checkListed(document, 'claims_supported', OPENACTIVE_CLAIMS),
  ]
}

const CHECK_OF_FIELD = {
  grant_types_supported: 'discovery.grant-types',
  scopes_supported: 'discovery.scopes',
  token_endpoint_auth_methods_supported: 'discovery.auth-methods',
  claims_supported: 'discovery.claims',
} as const

/**
 * Whether a `*_supported` list names the wanted values. `fallback` is the value the spec gives
 * an absent field; without one, an absent field names nothing.
 */
function checkListed(
  document: JsonObject,
  field: keyof typeof CHECK_OF_FIELD,
  wanted: readonly string[],
  fallback?: readonly string[],
): Finding {
  const id = CHECK_OF_FIELD[field]
  const value = document[field]
  if (value !== undefined && !Array.isArray(value)) {
    return violated(id, `${field} is ${shown(value)}, not an array.`)
  }
  const listed = (value as unknown[] | undefined) ?? fallback ?? []
  const missing = wanted.filter((item) => !listed.includes(item))
  const absent =
    value === undefined ? ` (absent${fallback ? `, which means ${shown(fallback)}` : ''})` : ''
  if (missing.length === 0) return passed(id, `${field} lists ${wanted.join(', ')}${absent}.`)
  return violated(id, `${field}${absent} does not list ${missing.join(', ')}.`)
}

/** Reports endpoints that live on another origin than the issuer. */
function checkEndpointOrigins(document: JsonObject, issuer: string): Finding {
  const issuerOrigin = originOf(issuer)
  const elsewhere: string[] = []
  for (const field of ENDPOINT_FIELDS) {
    const origin = originOf(document[field])
    if (origin && origin !== issuerOrigin) elsewhere.push(`${field} on ${origin}`)
  }
  if (elsewhere.length === 0) {
    return passed(
      'discovery.endpoint-origins',
      `Every endpoint is on the issuer’s origin ${issuerOrigin}.`,
    )
  }
  return violated(
    'discovery.endpoint-origins',
    `Endpoints on another origin than the issuer (${issuerOrigin}): ${elsewhere.join('; ')}. Booking partners must be able to reach each.`,
  )
}

/** The RFC 8414 metadata URL: the well-known path goes between the host and the issuer's path. */
export function oauthMetadataUrl(issuer: string): string {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/$/, '')
  return `${url.origin}/.well-known/oauth-authorization-server${path === '/' ? '' : path}`
}

/** Compares the RFC 8414 metadata, when served, with the OpenID discovery document. */
export function checkOauthMetadata(exchange: Exchange, discovery: JsonObject): Finding {
  if (exchange.error) {
    return skipped(
      'discovery.oauth-metadata',
      `Could not tell: ${exchange.url} got ${describeResponse(exchange)}.`,
    )
  }
  if (exchange.status === 404 || exchange.status === 405 || exchange.status === 410) {
    return passed('discovery.oauth-metadata', `Not served (${exchange.status}); it is optional.`)
  }
  const body = exchange.status === 200 ? parseJson(exchange.responseBody) : undefined
  if (!isJsonObject(body)) {
    const got = `HTTP ${exchange.status}`
    return violated(
      'discovery.oauth-metadata',
      `${exchange.url} did not answer with metadata (${got}).`,
    )
  }
  const fields = ['issuer', 'token_endpoint', 'jwks_uri', 'registration_endpoint']
  const differ = fields.filter(
    (field) => body[field] !== undefined && body[field] !== discovery[field],
  )
  if (differ.length === 0)
    return passed('discovery.oauth-metadata', 'Served, and it agrees with the discovery document.')
  const details = differ.map(
    (field) => `${field} ${shown(body[field])} vs ${shown(discovery[field])}`,
  )
  return violated(
    'discovery.oauth-metadata',
    `Served, but it disagrees with the discovery document: ${details.join('; ')}.`,
  )
}

function originOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    return new URL(value).origin
  } catch {
    return undefined
  }
}
