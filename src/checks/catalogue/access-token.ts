import type { CheckDefinition } from '../catalogue.js'
import { OBA } from './clauses.js'

export const ACCESS_TOKEN_CHECKS = {
  'access-token.format': {
    stage: 'access-token',
    level: 'info',
    title: 'The access token is a JWT (signed JWS) or an opaque token; OpenActive allows both.',
    reference: `RFC 6749 §1.4; RFC 9068 §1; ${OBA} §Access Token claims`,
    fix: 'Nothing to fix: the JWT checks apply only to JWT access tokens.',
  },
  'access-token.well-formed': {
    stage: 'access-token',
    level: 'must',
    title:
      'A token that is meant to be a JWT is well formed: three unpadded base64url parts, a JSON header with alg, a JSON object of claims.',
    reference: 'RFC 7515 §7.1; RFC 7519 §7.2',
    fix: 'Encode access tokens with a JOSE library: base64url without padding, JSON header and claims.',
  },
  'access-token.signature': {
    stage: 'access-token',
    level: 'must',
    title:
      'The JWT access token is signed with an asymmetric algorithm by a key in the JWKS, and the signature verifies.',
    reference: 'RFC 9068 §4; RFC 7515 §5.2; RFC 8725 §3.1, §3.2',
    fix: 'Sign access tokens with a key published in jwks_uri (matching kid), using RS256 or another asymmetric algorithm.',
  },
  'access-token.key-id': {
    stage: 'access-token',
    level: 'should',
    title:
      'The JWT header names its key (kid) whenever the JWKS has more than one key it could be.',
    reference: 'RFC 7515 §4.1.4; RFC 7517 §4.5; OpenID Connect Core 1.0 §10.1',
    fix: 'Give every signing key a kid in the JWKS and put it in the token header.',
  },
  'access-token.alg-advertised': {
    stage: 'access-token',
    level: 'info',
    title: 'The token’s alg is one the discovery document advertises for signing.',
    reference: 'RFC 9068 §4; OpenID Connect Discovery 1.0 §3',
    fix: 'Sign with an algorithm listed in id_token_signing_alg_values_supported.',
  },
  'access-token.typ': {
    stage: 'access-token',
    level: 'should',
    strict: true,
    title: 'The JWT header typ is at+jwt (or application/at+jwt, in any case).',
    reference: 'RFC 9068 §2.1, §4; RFC 7515 §4.1.9',
    fix: 'Set the access token’s typ header to at+jwt.',
  },
  'access-token.issuer': {
    stage: 'access-token',
    level: 'must',
    title: 'The iss claim is identical to the issuer.',
    reference: 'RFC 9068 §2.2, §4; RFC 7519 §4.1.1',
    fix: 'Issue access tokens whose iss is exactly the issuer in the discovery document.',
  },
  'access-token.audience': {
    stage: 'access-token',
    level: 'should',
    strict: true,
    title: 'The aud claim is present.',
    reference: 'RFC 9068 §2.2, §4; RFC 7519 §4.1.3',
    fix: 'Put the Open Booking API (the resource server) in aud.',
  },
  'access-token.time': {
    stage: 'access-token',
    level: 'must',
    title: 'exp is in the future; nbf and iat are not in the future (60 s leeway).',
    reference: 'RFC 7519 §4.1.4–§4.1.6; RFC 9068 §2.2, §4',
    fix: 'Check the server clock (NTP) and the token lifetime.',
  },
  'access-token.lifetime': {
    stage: 'access-token',
    level: 'should',
    title:
      'exp − iat agrees with expires_in, and the lifetime is at most 15 minutes as OpenActive recommends.',
    reference: `RFC 9068 §2.2; RFC 6749 §5.1; ${OBA} §OAuth Flows and Scopes`,
    fix: 'Issue Orders feed access tokens for 15 minutes, and state the same lifetime in expires_in.',
  },
  'access-token.client-id': {
    stage: 'access-token',
    level: 'must',
    title: 'client_id, and https://openactive.io/clientId when present, equal the client’s id.',
    reference: `RFC 9068 §2.2; ${OBA} §Access Token claims`,
    fix: 'Put the authenticated client’s id in client_id (and https://openactive.io/clientId).',
  },
  'access-token.required-claims': {
    stage: 'access-token',
    level: 'should',
    title: 'The other RFC 9068 claims are present: sub, jti and iat.',
    reference: 'RFC 9068 §2.2',
    fix: 'Add sub (the client, for client credentials), jti and iat to access tokens.',
  },
  'access-token.scope': {
    stage: 'access-token',
    level: 'must',
    title: 'The scope claim grants the requested scope.',
    reference: 'RFC 9068 §2.2.3; RFC 8693 §4.2',
    fix: 'Include the granted scope in the scope claim.',
  },
  'access-token.scope-format': {
    stage: 'access-token',
    level: 'should',
    title: 'The scope claim is a space-delimited string, not a JSON array.',
    reference: 'RFC 9068 §2.2.3; RFC 8693 §4.2',
    fix: 'Emit scope as one space-delimited string (IdentityServer4 emits an array by default).',
  },
  'access-token.claims-minimal': {
    stage: 'access-token',
    level: 'info',
    title:
      'The token carries no personal or ID-token-only claims, and no sellerId in an Orders feed token.',
    reference: `RFC 9068 §6; ${OBA} §Access Token claims`,
    fix: 'Keep personal data out of access tokens; the Orders feed is not seller-specific.',
  },
} as const satisfies Record<string, CheckDefinition>
