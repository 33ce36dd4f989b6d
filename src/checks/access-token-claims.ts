import type { Finding } from '../model.js'
import { passed, skipped, violated } from './catalogue.js'
import type { JsonObject } from './response.js'
import { shown } from './response.js'
import { RECOMMENDED_LIFETIME_SECONDS } from './token.js'

/** How far exp − iat may differ from expires_in: the time the response took to arrive, and more. */
const LIFETIME_TOLERANCE_SECONDS = 60

/** Claims of an ID token or about a person, which an access token for the Orders feed should not carry. */
const PERSONAL_CLAIMS = [
  'name',
  'given_name',
  'family_name',
  'email',
  'phone_number',
  'address',
  'birthdate',
  'nonce',
  'at_hash',
  'auth_time',
]
const SELLER_ID = 'https://openactive.io/sellerId'

/** Whether the token's alg is one the discovery document advertises for signing. */
export function checkAlgAdvertised(header: JsonObject, advertised: unknown): Finding {
  if (!Array.isArray(advertised)) {
    return skipped(
      'access-token.alg-advertised',
      'Not checked: id_token_signing_alg_values_supported is not an array.',
    )
  }
  if (advertised.includes(header.alg)) {
    return passed('access-token.alg-advertised', `alg ${shown(header.alg)} is advertised.`)
  }
  return violated(
    'access-token.alg-advertised',
    `alg ${shown(header.alg)} is not in id_token_signing_alg_values_supported ${shown(advertised)}.`,
  )
}

export function checkAudience(claims: JsonObject): Finding {
  const aud = claims.aud
  const present = (typeof aud === 'string' && aud !== '') || (Array.isArray(aud) && aud.length > 0)
  if (present) return passed('access-token.audience', `aud is ${shown(aud)}.`)
  return violated(
    'access-token.audience',
    `aud is ${shown(aud)}; RFC 9068 §2.2 requires the intended resource server.`,
  )
}

export function checkRequiredClaims(claims: JsonObject): Finding {
  const missing = ['sub', 'jti', 'iat'].filter((name) => claims[name] === undefined)
  if (missing.length === 0)
    return passed('access-token.required-claims', 'sub, jti and iat are present.')
  return violated('access-token.required-claims', `Missing ${missing.join(', ')} (RFC 9068 §2.2).`)
}

/** exp − iat against expires_in, and the lifetime against OpenActive's 15 minutes. */
export function checkLifetime(claims: JsonObject, expiresIn: number | undefined): Finding {
  const { exp, iat } = claims
  if (typeof exp !== 'number' || typeof iat !== 'number') {
    if (expiresIn === undefined)
      return skipped(
        'access-token.lifetime',
        'Not checked: neither exp − iat nor expires_in is known.',
      )
  }
  const lifetime = typeof exp === 'number' && typeof iat === 'number' ? exp - iat : expiresIn
  const problems: string[] = []
  if (typeof exp === 'number' && typeof iat === 'number' && expiresIn !== undefined) {
    if (Math.abs(exp - iat - expiresIn) > LIFETIME_TOLERANCE_SECONDS) {
      problems.push(`exp − iat is ${exp - iat} s but expires_in said ${expiresIn} s`)
    }
  }
  if (lifetime !== undefined && lifetime > RECOMMENDED_LIFETIME_SECONDS) {
    problems.push(
      `the token lives ${lifetime} s; OpenActive recommends at most ${RECOMMENDED_LIFETIME_SECONDS} s (15 minutes)`,
    )
  }
  if (problems.length === 0)
    return passed('access-token.lifetime', `The token lives ${lifetime} s.`)
  const text = problems.join('; ')
  return violated('access-token.lifetime', `${text.charAt(0).toUpperCase()}${text.slice(1)}.`)
}

export function checkClaimsMinimal(claims: JsonObject): Finding {
  const personal = PERSONAL_CLAIMS.filter((name) => claims[name] !== undefined)
  const notes: string[] = []
  if (personal.length > 0) notes.push(`personal or ID-token claims: ${personal.join(', ')}`)
  if (claims[SELLER_ID] !== undefined)
    notes.push(`${SELLER_ID}, though the Orders feed is not seller-specific`)
  if (notes.length === 0)
    return passed('access-token.claims-minimal', 'No personal, ID-token or seller claims.')
  return violated('access-token.claims-minimal', `The access token carries ${notes.join('; ')}.`)
}
