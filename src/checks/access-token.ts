import type { Finding } from '../model.js'
import {
  checkAlgAdvertised,
  checkAudience,
  checkClaimsMinimal,
  checkLifetime,
  checkRequiredClaims,
} from './access-token-claims.js'
import { type CheckId, checksOfStage, passed, skipped, violated } from './catalogue.js'
import type { KeySet } from './jwks.js'
import { algProblem, verifyWithKeySet } from './keys.js'
import { isJsonObject, isoTime, type JsonObject, shown } from './response.js'

/** Clock skew tolerated on exp, nbf and iat. */
export const LEEWAY_SECONDS = 60

export interface AccessTokenContext {
  issuer: string
  clientId: string
  scope: string
  /** Undefined when the JWKS could not be read. */
  jwks?: KeySet
  /** Our clock, in milliseconds. */
  now: number
  /** The token response's Date header, to diagnose clock skew. */
  serverDate?: string
  /** The token response's expires_in, when it was a number. */
  expiresIn?: number
  /** The discovery document's id_token_signing_alg_values_supported. */
  advertisedAlgs?: unknown
}

export interface DecodedJwt {
  header: JsonObject
  claims: JsonObject
}

export type TokenShape =
  { kind: 'opaque' } | ({ kind: 'jwt' } & DecodedJwt) | { kind: 'malformed'; problem: string }

/**
 * Tells a JWT from an opaque token (OpenActive allows both) without verifying anything. A token
 * of three dot-separated parts whose first part starts like base64 of a JSON object ("eyJ") is
 * taken for a JWT, so a broken JWT is reported as broken, not passed as opaque.
 */
export function inspectToken(token: string): TokenShape {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[0].startsWith('eyJ')) return { kind: 'opaque' }
  // base64url without padding (RFC 7515 §2); an unsigned token has an empty third part.
  const base64url = /^[A-Za-z0-9_-]*$/
  const bad = ['header', 'payload', 'signature'].filter((_, i) => !base64url.test(parts[i]))
  if (bad.length > 0) {
    return {
      kind: 'malformed',
      problem: `the ${bad.join(' and ')} of the JWT is not unpadded base64url (RFC 7515 §2, §7.1)`,
    }
  }
  const header = decodePart(parts[0])
  if (!isJsonObject(header) || typeof header.alg !== 'string') {
    return {
      kind: 'malformed',
      problem: `the JWT header is not a JSON object with an alg (${shown(header)})`,
    }
  }
  const claims = decodePart(parts[1])
  if (!isJsonObject(claims)) {
    return {
      kind: 'malformed',
      problem: `the JWT payload is not a JSON object of claims (${shown(claims)})`,
    }
  }
  return { kind: 'jwt', header, claims }
}

/** The header and claims of a well-formed JWT, undefined for anything else. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const shape = inspectToken(token)
  return shape.kind === 'jwt' ? { header: shape.header, claims: shape.claims } : undefined
}

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    return '(not JSON)'
  }
}

/** Checks an access token: its format, then, for a JWT, its signature and claims. */
export async function checkAccessToken(
  token: string,
  context: AccessTokenContext,
): Promise<Finding[]> {
  const shape = inspectToken(token)
  const others = (why: string) =>
    checksOfStage('access-token')
      .filter((id) => id !== 'access-token.format' && id !== 'access-token.well-formed')
      .map((id) => skipped(id, why))
  if (shape.kind === 'opaque') {
    const why =
      'The access token is not a JWT; signature and claim checks were not applied (OpenActive and RFC 6749 do not require JWT access tokens).'
    return [
      passed('access-token.format', why),
      skipped('access-token.well-formed', 'Not applicable: the access token is opaque.'),
      ...others('Not applicable: the access token is opaque.'),
    ]
  }
  if (shape.kind === 'malformed') {
    return [
      passed(
        'access-token.format',
        'The access token is meant to be a JWT: its first part starts like a JSON object.',
      ),
      violated(
        'access-token.well-formed',
        `The access token is not a well-formed JWT: ${shape.problem}.`,
      ),
      ...others('Not checked: the JWT is malformed.'),
    ]
  }
  const jwt = shape
  const { header, claims } = jwt
  return [
    passed(
      'access-token.format',
      `The access token is a JWT (alg ${shown(header.alg)}, kid ${shown(header.kid)}).`,
    ),
    passed(
      'access-token.well-formed',
      'The JWT is well formed: base64url parts, a JSON header and claims.',
    ),
    ...(await checkSignature(token, header, context.jwks)),
    checkAlgAdvertised(header, context.advertisedAlgs),
    checkType(header),
    checkIssuer(claims, context.issuer),
    checkAudience(claims),
    checkTime(claims, context),
    checkLifetime(claims, context.expiresIn),
    checkClientId(claims, context.clientId),
    checkRequiredClaims(claims),
    ...checkScope(claims, context.scope),
    checkClaimsMinimal(claims),
  ]
}

async function checkSignature(
  token: string,
  header: JsonObject,
  jwks: KeySet | undefined,
): Promise<Finding[]> {
  const problem = algProblem(header.alg)
  if (problem) {
    return [
      violated('access-token.signature', `The token cannot be verified: ${problem}.`),
      skipKeyId('the token is not signed with a public key'),
    ]
  }
  if (!jwks) {
    return [
      skipped('access-token.signature', 'Not checked: the JWKS could not be read.'),
      skipKeyId('the JWKS could not be read'),
    ]
  }

  const result = await verifyWithKeySet(token, header, jwks)
  const findings: Finding[] = []
  if (result.verified) {
    const key = result.kid ? `key ${result.kid}` : 'a key without kid'
    findings.push(
      passed(
        'access-token.signature',
        `The ${header.alg} signature verifies with ${key} from the JWKS.`,
      ),
    )
  } else {
    const hint =
      result.candidates > 0 && result.reason.includes('does not verify')
        ? ' The token was signed with a key that jwks_uri does not publish (a rotated key, or a JWKS serving another key).'
        : ''
    const message = `The signature could not be verified: ${result.reason}.${hint}`
    findings.push(violated('access-token.signature', message))
  }

  if (typeof header.kid === 'string') {
    findings.push(passed('access-token.key-id', `The header names key ${shown(header.kid)}.`))
  } else if (result.candidates > 1) {
    findings.push(
      violated(
        'access-token.key-id',
        `No kid while the JWKS has ${result.candidates} signing keys it could be; clients that choose keys by kid will break.`,
      ),
    )
  } else {
    findings.push(
      passed(
        'access-token.key-id',
        'No kid, but only one key in the JWKS could have signed it. A kid makes key rotation easier.',
      ),
    )
  }
  return findings
}

function skipKeyId(why: string): Finding {
  return skipped('access-token.key-id', `Not applicable: ${why}.`)
}

function checkType(header: JsonObject): Finding {
  const typ = header.typ
  const normalised =
    typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined
  if (normalised === 'at+jwt') return passed('access-token.typ', `typ is ${shown(typ)}.`)
  return violated(
    'access-token.typ',
    `The access token is not typed as RFC 9068 at+jwt: typ is ${shown(typ)}.`,
  )
}

function checkIssuer(claims: JsonObject, issuer: string): Finding {
  if (claims.iss === issuer) return passed('access-token.issuer', `iss is ${shown(claims.iss)}.`)
  return violated(
    'access-token.issuer',
    `iss is ${shown(claims.iss)}; the issuer is ${shown(issuer)}.`,
  )
}

function checkTime(claims: JsonObject, context: AccessTokenContext): Finding {
  const now = Math.floor(context.now / 1000)
  const problems: string[] = []
  const { exp, nbf, iat } = claims
  if (typeof exp !== 'number') problems.push(`exp is ${shown(exp)}, not a NumericDate`)
  else if (exp + LEEWAY_SECONDS <= now) problems.push(`exp ${isoTime(exp)} has passed`)
  for (const [name, value] of [
    ['nbf', nbf],
    ['iat', iat],
  ] as const) {
    if (value === undefined) continue
    if (typeof value !== 'number') problems.push(`${name} is ${shown(value)}, not a NumericDate`)
    else if (value - LEEWAY_SECONDS > now)
      problems.push(`${name} ${isoTime(value)} is ${value - now} s in the future`)
  }
  if (problems.length === 0) {
    return passed(
      'access-token.time',
      `Valid now: exp ${isoTime(exp as number)}${typeof iat === 'number' ? `, iat ${isoTime(iat)}` : ''}.`,
    )
  }
  const clocks = context.serverDate
    ? ` The server’s Date header said ${context.serverDate}; our clock said ${new Date(context.now).toUTCString()}.`
    : ''
  return violated(
    'access-token.time',
    `Not valid now: ${problems.join('; ')} (leeway ${LEEWAY_SECONDS} s).${clocks}`,
  )
}

function checkClientId(claims: JsonObject, clientId: string): Finding {
  const openActive = claims['https://openactive.io/clientId']
  const problems: string[] = []
  if (claims.client_id !== clientId) problems.push(`client_id is ${shown(claims.client_id)}`)
  if (openActive !== undefined && openActive !== clientId) {
    problems.push(`https://openactive.io/clientId is ${shown(openActive)}`)
  }
  if (problems.length === 0) {
    const also = openActive === undefined ? '' : ', and so is https://openactive.io/clientId'
    return passed('access-token.client-id', `client_id is the client’s id${also}.`)
  }
  return violated(
    'access-token.client-id',
    `The token names another client: ${problems.join('; ')}; the client’s id is ${shown(clientId)}.`,
  )
}

function checkScope(claims: JsonObject, requested: string): Finding[] {
  const scope = claims.scope
  const granted =
    typeof scope === 'string'
      ? scope.split(' ')
      : Array.isArray(scope)
        ? scope.map(String)
        : undefined
  const missing = requested.split(' ').filter((token) => !granted?.includes(token))
  const content =
    granted && missing.length === 0
      ? passed('access-token.scope', `scope grants ${shown(requested)}.`)
      : violated(
          'access-token.scope',
          `scope is ${shown(scope)}; it does not grant ${shown(missing.join(' '))}.`,
        )

  const id: CheckId = 'access-token.scope-format'
  const format =
    typeof scope === 'string'
      ? passed(id, 'scope is a space-delimited string.')
      : Array.isArray(scope)
        ? violated(
            id,
            `The scope claim is a JSON array (${shown(scope)}); RFC 9068 §2.2.3 uses the RFC 8693 space-delimited string.`,
          )
        : skipped(id, `Not applicable: there is no scope string or array (${shown(scope)}).`)
  return [content, format]
}
