import type { Finding } from '../model.js'
import { decodeJwt, LEEWAY_SECONDS } from './access-token.js'
import { passed, skipped, violated } from './catalogue.js'
import type { KeySet } from './jwks.js'
import { algProblem, verifyWithKeySet } from './keys.js'
import { type JsonObject, listed, shown, isoTime } from './response.js'

/** The OpenActive ID token claims (Open Booking API §ID Token claims). */
export const OA = 'https://openactive.io/'
const SELLER_CLAIMS = ['sellerName', 'sellerUrl', 'sellerLogo'] as const
const BOOKING_SERVICE_CLAIMS = ['bookingServiceName', 'bookingServiceUrl'] as const

export interface IdTokenContext {
  issuer: string
  clientId: string
  /** The nonce sent in the authorization request. */
  nonce: string
  /** Undefined when the JWKS could not be read. */
  jwks?: KeySet
  /** Our clock, in milliseconds. */
  now: number
  /** The seller's @id, when the seller-id input gave it. */
  sellerId?: string
}

/**
 * Checks an ID token from the authorization code flow: its signature against the JWKS, the
 * OpenID Connect claims, and the OpenActive seller and booking service claims.
 */
export async function checkIdToken(idToken: string, context: IdTokenContext): Promise<Finding[]> {
  const jwt = decodeJwt(idToken)
  if (!jwt) {
    const why = 'The id_token is not a JWT (three base64url parts with a JSON header and claims).'
    return [
      violated('authorization.id-token-signature', why),
      skipped('authorization.id-token-claims', 'Not checked: the id_token could not be decoded.'),
    ]
  }
  const { header, claims } = jwt
  return [
    await checkSignature(idToken, header, context.jwks),
    checkStandardClaims(claims, context),
    checkSellerId(claims, context.sellerId),
    checkPresent('authorization.seller-claims', claims, SELLER_CLAIMS),
    checkPresent('authorization.booking-service-claims', claims, BOOKING_SERVICE_CLAIMS),
  ]
}

async function checkSignature(
  token: string,
  header: JsonObject,
  jwks: KeySet | undefined,
): Promise<Finding> {
  const id = 'authorization.id-token-signature'
  const problem = algProblem(header.alg)
  if (problem) return violated(id, `The ID token cannot be verified: ${problem}.`)
  if (!jwks) return skipped(id, 'Not checked: the JWKS could not be read.')
  const result = await verifyWithKeySet(token, header, jwks)
  if (!result.verified) return violated(id, `The ID token does not verify: ${result.reason}.`)
  const key = result.kid ? `key ${JSON.stringify(result.kid)}` : 'a key without kid'
  return passed(id, `The ID token (${header.alg}) verifies with ${key} from the JWKS.`)
}

function checkStandardClaims(claims: JsonObject, context: IdTokenContext): Finding {
  const problems: string[] = []
  if (claims.iss !== context.issuer) {
    problems.push(`iss is ${shown(claims.iss)}, not the issuer ${shown(context.issuer)}`)
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.includes(context.clientId)) {
    problems.push(`aud is ${shown(claims.aud)}, which does not name the client id`)
  } else if (audiences.length > 1 && claims.azp !== context.clientId) {
    problems.push(`aud has several audiences but azp is ${shown(claims.azp)}, not the client id`)
  }
  // The nonce is random per request and not a credential: showing it helps a seller compare.
  if (claims.nonce !== context.nonce) {
    problems.push(`nonce is ${shown(claims.nonce)}, not the nonce sent (${shown(context.nonce)})`)
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    problems.push(`sub is ${shown(claims.sub)}`)
  }
  problems.push(...timeProblems(claims, context.now / 1000))
  if (problems.length > 0)
    return violated('authorization.id-token-claims', `${listed(problems, '; ')}.`)
  return passed(
    'authorization.id-token-claims',
    `iss, aud, nonce, sub, exp and iat are as expected (sub ${shown(claims.sub)}).`,
  )
}

function timeProblems(claims: JsonObject, now: number): string[] {
  const problems: string[] = []
  const { exp, iat } = claims
  if (typeof exp !== 'number') problems.push(`exp is ${shown(exp)}, not a number`)
  else if (exp + LEEWAY_SECONDS < now) {
    problems.push(`exp ${isoTime(exp)} has passed`)
  }
  if (typeof iat !== 'number') problems.push(`iat is ${shown(iat)}, not a number`)
  else if (iat - LEEWAY_SECONDS > now) {
    problems.push(`iat ${isoTime(iat)} is in the future`)
  }
  return problems
}

function checkSellerId(claims: JsonObject, expected: string | undefined): Finding {
  const id = 'authorization.seller-id'
  const value = claims[`${OA}sellerId`]
  if (typeof value !== 'string' || value === '') {
    return violated(id, `${OA}sellerId is ${shown(value)}; the ID token must name the seller.`)
  }
  if (expected !== undefined && value !== expected) {
    return violated(id, `${OA}sellerId is ${shown(value)}, not the seller-id ${shown(expected)}.`)
  }
  const compared = expected === undefined ? ' (no seller-id given to compare)' : ', as expected'
  return passed(id, `${OA}sellerId is ${shown(value)}${compared}.`)
}

function checkPresent(
  id: 'authorization.seller-claims' | 'authorization.booking-service-claims',
  claims: JsonObject,
  names: readonly string[],
): Finding {
  const missing = names.filter((name) => {
    const value = claims[`${OA}${name}`]
    return typeof value !== 'string' || value === ''
  })
  if (missing.length > 0) {
    const seen = missing.map((name) => `${name} ${shown(claims[`${OA}${name}`])}`)
    return violated(id, `The ID token lacks ${OA}… claims: ${listed(seen)}.`)
  }
  const values = names.map((name) => `${name} ${shown(claims[`${OA}${name}`])}`)
  return passed(id, `${listed(values)}.`)
}
