import type { Exchange, Finding } from '../model.js'
import { passed, skipped, violated } from './catalogue.js'
import { checkNoStore } from './headers.js'
import {
  describeResponse,
  excerpt,
  header,
  isJsonMediaType,
  isJsonObject,
  type JsonObject,
  mediaType,
  parseJson,
  shown,
} from './response.js'

/** The syntax of a Bearer token in an Authorization header (RFC 6750 §2.1). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/** OpenActive recommends 15-minute access tokens. */
export const RECOMMENDED_LIFETIME_SECONDS = 900

export interface TokenResult {
  findings: Finding[]
  /** Only set for a success that carries a token, so nothing later sends `Bearer undefined`. */
  accessToken?: string
  expiresIn?: number
  /** Issued against RFC 6749 §4.4.3 by some servers; a secret all the same. */
  refreshToken?: string
}

/** Checks a client credentials token response. */
export function checkTokenResponse(exchange: Exchange, scope: string): TokenResult {
  const body = exchange.status === 200 ? parseJson(exchange.responseBody) : undefined
  if (exchange.status !== 200) {
    const message = `The client credentials grant was refused: ${describeResponse(exchange)}.`
    return { findings: [violated('token.succeeded', message)] }
  }
  if (!isJsonObject(body)) {
    const message = `The token endpoint answered 200, but the body is not a JSON object: ${excerpt(exchange.responseBody)}.`
    return { findings: [violated('token.succeeded', message)] }
  }
  const accessToken = body.access_token
  if (accessToken === undefined || accessToken === '' || accessToken === null) {
    const errorBody =
      typeof body.error === 'string'
        ? ' Error responses must use 400 (or 401 for invalid_client with Basic authentication), RFC 6749 §5.2.'
        : ''
    const message = `The token endpoint returned 200 without access_token; body: ${excerpt(exchange.responseBody)}.${errorBody}`
    return { findings: [violated('token.succeeded', message)] }
  }
  // Not shown: whatever it holds may be a credential.
  if (typeof accessToken !== 'string') {
    const message = `access_token is a JSON ${Array.isArray(accessToken) ? 'array' : typeof accessToken}, not a string (RFC 6749 §5.1).`
    return { findings: [violated('token.succeeded', message)] }
  }
  if (!B64TOKEN.test(accessToken)) {
    const message =
      'access_token has characters that cannot be sent as a Bearer token (RFC 6750 §2.1 b64token: letters, digits and - . _ ~ + / then =).'
    return { findings: [violated('token.succeeded', message)] }
  }

  return {
    findings: [
      passed('token.succeeded', 'The client credentials grant returned an access token.'),
      checkContentType(exchange),
      checkTokenType(body.token_type),
      checkScope(body.scope, scope),
      ...checkExpiresIn(body.expires_in),
      body.refresh_token === undefined
        ? passed('token.no-refresh-token', 'No refresh_token was issued.')
        : violated(
            'token.no-refresh-token',
            'A refresh_token was issued to the client credentials grant.',
          ),
      checkNoStore(exchange, 'token.no-store'),
    ],
    accessToken,
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
  }
}

function checkContentType(exchange: Exchange): Finding {
  const type = mediaType(exchange)
  if (type === 'application/json') return passed('token.content-type', `Served as ${shown(type)}.`)
  const also = isJsonMediaType(type) ? '' : '; the body parsed as JSON'
  return violated(
    'token.content-type',
    `The token response must be application/json (got ${shown(type)})${also}.`,
  )
}

function checkTokenType(tokenType: unknown): Finding {
  if (typeof tokenType === 'string' && tokenType.toLowerCase() === 'bearer') {
    return passed('token.token-type', `token_type is ${shown(tokenType)}.`)
  }
  return violated('token.token-type', `token_type is ${shown(tokenType)}; it must be Bearer.`)
}

function checkScope(scope: unknown, requested: string): Finding {
  if (scope === undefined) {
    return passed(
      'token.scope',
      'scope is absent, which means the requested scope was granted (RFC 6749 §5.1).',
    )
  }
  if (typeof scope !== 'string') {
    const found = Array.isArray(scope)
      ? ` It lists ${scope.map((item) => shown(item)).join(', ')}.`
      : ''
    const got = Array.isArray(scope) ? 'JSON array' : shown(scope)
    return violated('token.scope', `scope must be a space-delimited string (got ${got}).${found}`)
  }
  const missing = requested.split(' ').filter((token) => !scope.split(' ').includes(token))
  if (missing.length > 0) {
    return violated(
      'token.scope',
      `scope is ${shown(scope)}; it does not grant ${shown(missing.join(' '))}.`,
    )
  }
  return passed('token.scope', `scope is ${shown(scope)}.`)
}

function checkExpiresIn(expiresIn: unknown): Finding[] {
  if (expiresIn === undefined) {
    return [
      passed('token.expires-in-type', 'expires_in is absent.'),
      violated(
        'token.expires-in',
        'expires_in is absent: partners cannot tell when to ask for a new token.',
      ),
    ]
  }
  if (typeof expiresIn !== 'number') {
    return [
      violated(
        'token.expires-in-type',
        `expires_in is ${shown(expiresIn)}, a ${typeof expiresIn}; it must be a JSON number.`,
      ),
      skipped('token.expires-in', 'Not checked: expires_in is not a number.'),
    ]
  }
  const type = passed('token.expires-in-type', `expires_in is the number ${expiresIn}.`)
  if (expiresIn <= 0) {
    const message = `expires_in is ${expiresIn} s: the token is expired as it is issued, and partners that trust it ask for a new one on every request.`
    return [type, violated('token.expires-in', message)]
  }
  if (expiresIn > RECOMMENDED_LIFETIME_SECONDS) {
    const message = `expires_in is ${expiresIn} s; OpenActive recommends at most ${RECOMMENDED_LIFETIME_SECONDS} s (15 minutes).`
    return [type, violated('token.expires-in', message)]
  }
  return [type, passed('token.expires-in', `expires_in is ${expiresIn} s.`)]
}

/**
 * The diagnosis when RFC 6749 form-urlencoded Basic credentials were refused: was it the
 * encoding? `raw` is the same request with the unencoded credentials (RFC 7617 only).
 */
export function diagnoseBasicEncoding(spec: Exchange, raw: Exchange): Finding | undefined {
  if (raw.status !== 200 || !isJsonObject(parseJson(raw.responseBody))) return undefined
  return violated(
    'token.succeeded',
    `The server rejected RFC 6749 §2.3.1 form-urlencoded Basic credentials (${describeResponse(spec)}) ` +
      'but accepted unencoded ones; the server must form-urldecode the user name and password.',
  )
}

/** Checks the answer to the client credentials grant with a wrong client secret. */
export function checkWrongSecret(exchange: Exchange): Finding[] {
  // No answer says nothing about the server: the probe was not made, or not finished.
  if (exchange.error) {
    const why = `Could not tell: the request with a wrong secret got ${describeResponse(exchange)}.`
    return [skipped('token.rejects-wrong-secret', why), skipped('token.invalid-client-error', why)]
  }
  const body = parseJson(exchange.responseBody)
  const token = isJsonObject(body) ? body.access_token : undefined
  if (exchange.status === 200 && typeof token === 'string' && token !== '') {
    return [
      violated(
        'token.rejects-wrong-secret',
        'A wrong client secret got an access token: the client is not authenticated.',
      ),
      skipped('token.invalid-client-error', 'Not applicable: the wrong secret was not refused.'),
    ]
  }
  const refused = passed(
    'token.rejects-wrong-secret',
    `A wrong client secret got no access token (HTTP ${exchange.status}).`,
  )
  const error = isJsonObject(body) ? body.error : undefined
  const challenge = header(exchange, 'www-authenticate')
  const problems: string[] = []
  if (exchange.status !== 401) problems.push(`status ${exchange.status}`)
  if (error !== 'invalid_client') problems.push(`error ${shown(error)}`)
  if (!challenge) problems.push('no WWW-Authenticate header')
  if (problems.length === 0) {
    return [
      refused,
      passed(
        'token.invalid-client-error',
        `Refused with 401 invalid_client and WWW-Authenticate: ${challenge}.`,
      ),
    ]
  }
  const message = `A wrong client secret was refused with ${problems.join(', ')}; RFC 6749 §5.2 specifies 401, error "invalid_client" and WWW-Authenticate.`
  return [refused, violated('token.invalid-client-error', message)]
}

/**
 * Checks the answer to a client credentials request for openactive-openbooking by a client
 * registered for the Orders feed: refused, or narrowed, never granted. `claims` are the
 * token's claims when it is a JWT, consulted when the response omits scope.
 */
export function checkScopeEscalation(
  exchange: Exchange,
  probeScope: string,
  claims?: JsonObject,
): Finding {
  const id = 'token.scope-not-escalated'
  const body = exchange.error ? undefined : parseJson(exchange.responseBody)
  const token = isJsonObject(body) ? body.access_token : undefined
  // Whatever the status, a response that carries a token has handed it out.
  if (typeof token !== 'string' || token === '') {
    if (exchange.error || (exchange.status ?? 0) >= 500) {
      return skipped(id, `Could not tell: ${describeResponse(exchange)}.`)
    }
    const error = isJsonObject(body) && typeof body.error === 'string' ? ` ${body.error}` : ''
    return passed(id, `A request for ${probeScope} was refused (HTTP ${exchange.status}${error}).`)
  }
  const status = exchange.status === 200 ? '' : ` with HTTP ${exchange.status}`
  // The token's own scope claim decides what it opens; the response's scope field only says.
  const stated = isJsonObject(body) ? body.scope : undefined
  const claimed = scopes(claims?.scope)
  if (claimed?.includes(probeScope)) {
    const field = scopes(stated)
    const but =
      field && !field.includes(probeScope)
        ? `, though the response's scope says ${shown(stated)}`
        : ''
    return violated(
      id,
      `A request for ${probeScope} by the Orders feed client got a token${status} whose scope claim grants it${but}.`,
    )
  }
  const granted = claimed ?? scopes(stated) ?? [probeScope]
  if (granted.includes(probeScope)) {
    const how =
      stated === undefined && claims?.scope === undefined
        ? ' (the response names no scope, so the requested one was granted)'
        : ''
    return violated(
      id,
      `A request for ${probeScope} by the Orders feed client was granted${status}${how}.`,
    )
  }
  return passed(id, `A request for ${probeScope} was narrowed to ${shown(granted.join(' '))}.`)
}

/** A scope as a list, from a space-separated string or an array; undefined when neither. */
function scopes(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(' ')
  if (Array.isArray(value)) return value.map(String)
  return undefined
}

/** Checks the answer to a GET on the token endpoint. */
export function checkGetRejected(exchange: Exchange): Finding {
  if (exchange.error) {
    return skipped('token.get-rejected', `Could not tell: GET got ${describeResponse(exchange)}.`)
  }
  const status = exchange.status
  if (status !== undefined && status >= 400 && status < 500) {
    return passed('token.get-rejected', `GET was refused with ${status}.`)
  }
  return violated(
    'token.get-rejected',
    `GET on the token endpoint got ${describeResponse(exchange)}; only POST is allowed.`,
  )
}
