import type { Exchange, Finding } from '../model.js'
import { decodeJwt } from './access-token.js'
import { passed, skipped, violated } from './catalogue.js'
import {
  describeResponse,
  excerpt,
  header,
  isJsonObject,
  type JsonObject,
  parseJson,
  shown,
} from './response.js'

/** The scope a booking partner needs to book on a seller's behalf (OpenActive scope table). */
export const BOOKING_SCOPE = 'openactive-openbooking'

/** What a token endpoint response to an authorization code or refresh grant carried. */
export interface GrantedTokens {
  accessToken?: string
  idToken?: string
  refreshToken?: string
  scope?: string
}

/** The tokens of a response, whatever its status: every one is a secret to register. */
export function tokensOf(exchange: Exchange): GrantedTokens {
  const body = parseJson(exchange.responseBody)
  if (!isJsonObject(body)) return {}
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
  return {
    accessToken: text(body.access_token),
    idToken: text(body.id_token),
    refreshToken: text(body.refresh_token),
    scope: text(body.scope),
  }
}

/**
 * Checks the answer to an authorization request with a redirect URI that was not registered:
 * it must not redirect there, and must not go on to the login page (`loginShown`).
 */
export function checkRedirectUriRefused(
  first: Exchange,
  unregistered: string,
  loginShown: boolean,
): Finding {
  const id = 'authorization.redirect-uri-checked'
  if (first.error) return skipped(id, `Could not tell: ${describeResponse(first)}.`)
  const location = header(first, 'location')
  if (location !== undefined && sameEndpoint(location, unregistered, first.url)) {
    return violated(
      id,
      `The authorization server redirected to the unregistered redirect URI ${unregistered}: an attacker's site would receive the code or error.`,
    )
  }
  if (loginShown) {
    return violated(
      id,
      `An authorization request with the unregistered redirect URI ${unregistered} went on to the login page; it must be refused before the seller logs in.`,
    )
  }
  return passed(id, `Refused with HTTP ${first.status}, without a redirect to it or a login page.`)
}

/** True when `target` (relative to `base`) is `endpoint`, ignoring the query. */
export function sameEndpoint(target: string, endpoint: string, base?: string): boolean {
  try {
    const a = new URL(target, base)
    const b = new URL(endpoint)
    return a.origin === b.origin && a.pathname === b.pathname
  } catch {
    return false
  }
}

/** Checks the redirect's state against the one sent. */
export function checkState(redirect: URL, sent: string): Finding {
  const state = redirect.searchParams.get('state')
  if (state === sent) return passed('authorization.state', 'state came back unchanged.')
  return violated(
    'authorization.state',
    `state came back as ${shown(state ?? undefined)}, not as sent (${shown(sent)}).`,
  )
}

/**
 * Checks the code exchange with a wrong code_verifier: it must be refused with invalid_grant.
 * `advertised` is the discovery document's code_challenge_methods_supported.
 */
export function checkPkceRefused(exchange: Exchange, advertised: unknown): Finding {
  const id = 'authorization.pkce-enforced'
  const listed = Array.isArray(advertised) && advertised.includes('S256')
  const note = listed ? '' : ' (code_challenge_methods_supported does not list S256)'
  if (tokensOf(exchange).accessToken && exchange.status === 200) {
    return violated(
      id,
      `A code sent with an S256 code_challenge was exchanged with a wrong code_verifier: PKCE is not enforced${note}.`,
    )
  }
  if (exchange.error || (exchange.status ?? 0) >= 500) {
    return skipped(id, `Could not tell: ${describeResponse(exchange)}.`)
  }
  const body = parseJson(exchange.responseBody)
  const error = isJsonObject(body) ? body.error : undefined
  if (error === 'invalid_grant') {
    return passed(
      id,
      `A wrong code_verifier was refused with HTTP ${exchange.status} invalid_grant${note}.`,
    )
  }
  return violated(
    id,
    `A wrong code_verifier got no token, but the answer was ${describeResponse(exchange)}; RFC 7636 §4.6 specifies 400 invalid_grant.`,
  )
}

/** Checks the token response to the code exchange: access token, ID token, refresh token. */
export function checkCodeExchange(exchange: Exchange): {
  findings: Finding[]
  tokens: GrantedTokens
} {
  const tokens = tokensOf(exchange)
  const body = parseJson(exchange.responseBody)
  if (exchange.status !== 200 || !isJsonObject(body) || !tokens.accessToken) {
    const message = `The code exchange did not return an access token: ${describeResponse(exchange)}.`
    return { findings: [violated('authorization.token-response', message)], tokens }
  }
  const problems: string[] = []
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
    problems.push(`token_type is ${shown(body.token_type)}, not Bearer`)
  }
  if (!tokens.idToken) problems.push('there is no id_token although openid was requested')
  const tokenResponse =
    problems.length > 0
      ? violated(
          'authorization.token-response',
          `The code exchange answered 200, but ${problems.join(' and ')}.`,
        )
      : passed(
          'authorization.token-response',
          'The code exchange returned an access token and an ID token.',
        )
  const refresh = tokens.refreshToken
    ? passed('authorization.refresh-token', 'A refresh_token was issued.')
    : violated(
        'authorization.refresh-token',
        'No refresh_token was issued although offline_access was requested (with prompt=consent).',
      )
  return { findings: [tokenResponse, refresh], tokens }
}

/**
 * Checks that the access token grants openactive-openbooking: from the response's scope, else
 * from the token's scope claim when it is a JWT, else the requested scope stands (RFC 6749 §5.1).
 */
export function checkBookingScope(tokens: GrantedTokens): Finding {
  const id = 'authorization.openbooking-scope'
  const claims: JsonObject | undefined = tokens.accessToken
    ? decodeJwt(tokens.accessToken)?.claims
    : undefined
  const claim = claims?.scope
  const fromClaim =
    typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : undefined
  if (tokens.scope !== undefined) {
    const granted = tokens.scope.split(' ').includes(BOOKING_SCOPE)
    if (granted) return passed(id, `scope is ${shown(tokens.scope)}.`)
    return violated(id, `scope is ${shown(tokens.scope)}; it does not grant ${BOOKING_SCOPE}.`)
  }
  if (fromClaim !== undefined) {
    if (fromClaim.includes(BOOKING_SCOPE))
      return passed(id, `The access token's scope claim is ${shown(claim)}.`)
    return violated(
      id,
      `The access token's scope claim is ${shown(claim)}; it does not grant ${BOOKING_SCOPE}.`,
    )
  }
  return passed(
    id,
    'The response names no scope, which means the requested scope was granted (RFC 6749 §5.1).',
  )
}

/** Checks the refresh token grant, and reports whether it rotated the refresh token. */
export function checkRefresh(
  exchange: Exchange,
  before: GrantedTokens,
): { findings: Finding[]; tokens: GrantedTokens } {
  const tokens = tokensOf(exchange)
  if (exchange.status !== 200 || !tokens.accessToken) {
    return {
      findings: [
        violated(
          'authorization.refresh',
          `The refresh token grant was refused: ${describeResponse(exchange)}.`,
        ),
        skipped('authorization.refresh-rotation', 'Not checked: the refresh token grant failed.'),
      ],
      tokens,
    }
  }
  const fresh = tokens.accessToken !== before.accessToken
  const refresh = fresh
    ? passed('authorization.refresh', 'The refresh token grant returned a new access token.')
    : violated(
        'authorization.refresh',
        'The refresh token grant returned the same access token again.',
      )
  const rotation =
    tokens.refreshToken === undefined
      ? 'The refresh token was not rotated (no new refresh_token): partners keep using the one they have.'
      : tokens.refreshToken === before.refreshToken
        ? 'The same refresh_token was returned again: it is not rotated.'
        : 'A new refresh_token was returned: the refresh token rotates, so partners must store the new one each time.'
  return { findings: [refresh, passed('authorization.refresh-rotation', rotation)], tokens }
}

/** Checks that a second authorization, with a new login, did not ask for consent again. */
export function checkConsentRemembered(consentShown: boolean): Finding {
  const id = 'authorization.consent-remembered'
  if (!consentShown) return passed(id, 'The second authorization did not ask for consent again.')
  return violated(
    id,
    'The second authorization, for the same scopes as before, asked the seller for consent again.',
  )
}

/** Checks the second exchange of an authorization code: it must be refused. */
export function checkCodeReuse(exchange: Exchange): Finding {
  const id = 'authorization.code-single-use'
  if (exchange.status === 200 && tokensOf(exchange).accessToken) {
    return violated(id, 'A code exchanged once was exchanged again for new tokens.')
  }
  if (exchange.error || (exchange.status ?? 0) >= 500) {
    return skipped(id, `Could not tell: ${describeResponse(exchange)}.`)
  }
  const body = parseJson(exchange.responseBody)
  const error = isJsonObject(body) && typeof body.error === 'string' ? ` ${body.error}` : ''
  return passed(id, `The second exchange was refused (HTTP ${exchange.status}${error}).`)
}

/** What a failed login is reported as. */
export function loginFailed(problem: string): Finding {
  return violated('authorization.login', problem)
}

/** The error a redirect carried instead of a code, for the login check's message. */
export function redirectError(redirect: URL): string | undefined {
  const error = redirect.searchParams.get('error')
  if (error === null) return undefined
  const description = redirect.searchParams.get('error_description')
  return `${error}${description ? ` (${excerpt(description, 200)})` : ''}`
}
