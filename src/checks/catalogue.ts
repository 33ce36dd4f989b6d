import type { Finding, Level, Stage } from '../model.js'

/** What a check enforces: the same entry serves the report, the JSON and the docs. */
export interface CheckDefinition {
  stage: Stage
  level: Level
  /** The rule, in one sentence a seller reads. */
  title: string
  /** The spec clause the rule comes from. */
  reference: string
  /** What a seller's engineer changes when the check fails. */
  fix: string
}

const OIDC_DISCOVERY = 'OpenID Connect Discovery 1.0'
const OBA =
  'OpenActive Open Booking API (Editor’s Draft), OpenID Connect Booking Partner Authentication'

/** Every check the tool performs, by stable id. Order is report order. */
export const CATALOGUE = {
  'discovery.issuer-url': {
    stage: 'discovery',
    level: 'info',
    title: 'The issuer is used without a trailing "/" to build the discovery URL.',
    reference: `${OIDC_DISCOVERY} §4.1`,
    fix: 'Nothing to fix if the discovery document repeats the issuer exactly; note that clients which append the path without removing "/" request //.well-known/openid-configuration.',
  },
  'discovery.reachable': {
    stage: 'discovery',
    level: 'must',
    title: 'GET {issuer}/.well-known/openid-configuration answers 200.',
    reference: `${OIDC_DISCOVERY} §4, §4.2`,
    fix: 'Serve the discovery document at the issuer followed by /.well-known/openid-configuration, without authentication.',
  },
  'discovery.json-object': {
    stage: 'discovery',
    level: 'must',
    title: 'The discovery document is a JSON object.',
    reference: `${OIDC_DISCOVERY} §4.2`,
    fix: 'Return the provider metadata as a JSON object.',
  },
  'discovery.content-type': {
    stage: 'discovery',
    level: 'must',
    title: 'The discovery document is served as application/json.',
    reference: `${OIDC_DISCOVERY} §4.2; RFC 9110 §8.3.1`,
    fix: 'Send Content-Type: application/json (parameters such as charset are fine).',
  },
  'discovery.issuer-matches': {
    stage: 'discovery',
    level: 'must',
    title: 'The document’s issuer is identical to the issuer it was fetched from.',
    reference: `${OIDC_DISCOVERY} §4.3; RFC 8414 §3.3`,
    fix: 'Set the issuer in the discovery document to exactly the URL booking partners are given (the same scheme, host, port, path and trailing "/").',
  },
  'discovery.required-metadata': {
    stage: 'discovery',
    level: 'must',
    title:
      'The required metadata is present: issuer, jwks_uri, authorization_endpoint, token_endpoint, response_types_supported, subject_types_supported, id_token_signing_alg_values_supported.',
    reference: `${OIDC_DISCOVERY} §3`,
    fix: 'Add the missing fields to the discovery document.',
  },
  'discovery.registration-endpoint': {
    stage: 'discovery',
    level: 'must',
    title: 'registration_endpoint is advertised (needed to register with an initial access token).',
    reference: `${OIDC_DISCOVERY} §3; OpenID Connect Dynamic Client Registration 1.0 §3`,
    fix: 'Advertise the Dynamic Client Registration endpoint as registration_endpoint.',
  },
  'discovery.endpoints-https': {
    stage: 'discovery',
    level: 'must',
    title: 'Every endpoint the document advertises is an https URL.',
    reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; ${OBA} (Security)`,
    fix: 'Advertise the public https URLs that booking partners reach, not internal http ones.',
  },
  'jwks.reachable': {
    stage: 'jwks',
    level: 'must',
    title: 'GET jwks_uri answers 200.',
    reference: 'RFC 8414 §2 (jwks_uri); OpenID Connect Core 1.0 §10.1.1',
    fix: 'Serve the JSON Web Key Set at the advertised jwks_uri, without authentication.',
  },
  'jwks.key-set': {
    stage: 'jwks',
    level: 'must',
    title: 'The JWKS is a JSON object with a "keys" array.',
    reference: 'RFC 7517 §5',
    fix: 'Return {"keys": [...]} with the public signing keys.',
  },
  'registration.skipped': {
    stage: 'registration',
    level: 'info',
    title: 'Registration is skipped when client credentials are given.',
    reference: 'RFC 7591 §3',
    fix: 'Nothing to fix: give an initial access token to check registration too.',
  },
  'registration.succeeded': {
    stage: 'registration',
    level: 'must',
    title:
      'POST registration_endpoint with the initial access token registers a client and returns client_id and client_secret.',
    reference: 'RFC 7591 §3, §3.2.1',
    fix: 'Accept the initial access token as a Bearer token and return the new client’s client_id and client_secret as JSON.',
  },
  'registration.status-created': {
    stage: 'registration',
    level: 'should',
    title: 'A successful registration answers 201 Created.',
    reference:
      'RFC 7591 §3.2.1; OpenID Connect Dynamic Client Registration 1.0 §3.2 (the OpenActive test suite requires 201)',
    fix: 'Answer 201 Created to a successful registration.',
  },
  'token.succeeded': {
    stage: 'token',
    level: 'must',
    title:
      'POST token_endpoint with grant_type=client_credentials and client_secret_basic answers 200 with a JSON access_token.',
    reference: 'RFC 6749 §4.4.2, §4.4.3, §5.1, §2.3.1',
    fix: 'Accept the client credentials grant for the registered client, decoding the form-urlencoded Basic credentials, and return the token as JSON.',
  },
  'token.token-type': {
    stage: 'token',
    level: 'must',
    title: 'token_type is Bearer (compared case-insensitively).',
    reference: 'RFC 6749 §5.1, §7.1; RFC 6750',
    fix: 'Return "token_type": "Bearer".',
  },
  'token.scope': {
    stage: 'token',
    level: 'must',
    title: 'scope, when present, is a space-delimited string that contains the requested scope.',
    reference: 'RFC 6749 §3.3, §5.1',
    fix: 'Return the granted scope as a space-delimited string, or leave it out when it equals the requested one.',
  },
  'access-token.format': {
    stage: 'access-token',
    level: 'info',
    title: 'The access token is a JWT (signed JWS) or an opaque token; OpenActive allows both.',
    reference: `RFC 6749 §1.4; RFC 9068 §1; ${OBA} (Access Token claims)`,
    fix: 'Nothing to fix: the JWT checks apply only to JWT access tokens.',
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
  'access-token.typ': {
    stage: 'access-token',
    level: 'should',
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
  'access-token.time': {
    stage: 'access-token',
    level: 'must',
    title: 'exp is in the future; nbf and iat are not in the future (60 s leeway).',
    reference: 'RFC 7519 §4.1.4–§4.1.6; RFC 9068 §2.2, §4',
    fix: 'Check the server clock (NTP) and the token lifetime.',
  },
  'access-token.client-id': {
    stage: 'access-token',
    level: 'must',
    title: 'client_id, and https://openactive.io/clientId when present, equal the client’s id.',
    reference: `RFC 9068 §2.2; ${OBA} (Access Token claims)`,
    fix: 'Put the authenticated client’s id in client_id (and https://openactive.io/clientId).',
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
  'orders-feed.authorized': {
    stage: 'orders-feed',
    level: 'must',
    title: 'GET the Orders feed with the access token answers 200 with an RPDE page (items, next).',
    reference: `${OBA} (Orders RPDE feed); RPDE 1.0; RFC 6750 §2.1`,
    fix: 'Accept access tokens issued by the client credentials grant with scope openactive-ordersfeed on the Orders feed, and return an RPDE page.',
  },
  'orders-feed.rejects-no-token': {
    stage: 'orders-feed',
    level: 'must',
    title: 'GET the Orders feed without a token is refused with 401 or 403.',
    reference: `RFC 6750 §3; ${OBA} (Error Model, API authentication)`,
    fix: 'Require a valid access token on the Orders feed; answer 401 (or 403) without one.',
  },
} as const satisfies Record<string, CheckDefinition>

export type CheckId = keyof typeof CATALOGUE

/** The ids of one stage's checks, in report order. */
export function checksOfStage(stage: Stage): CheckId[] {
  return (Object.keys(CATALOGUE) as CheckId[]).filter((id) => CATALOGUE[id].stage === stage)
}

/** A check held. */
export function passed(id: CheckId, message: string): Finding {
  return make(id, 'pass', message)
}

/** A check did not hold: a failure for a `must`, a warning for a `should`. */
export function violated(id: CheckId, message: string): Finding {
  const level: Level = CATALOGUE[id].level
  return make(id, level === 'must' ? 'fail' : level === 'should' ? 'warn' : 'pass', message)
}

/** A check could not be performed; the message says why. */
export function skipped(id: CheckId, message: string): Finding {
  return make(id, 'skip', message)
}

function make(id: CheckId, status: Finding['status'], message: string): Finding {
  const { stage, level, reference } = CATALOGUE[id]
  return { id, stage, level, status, message, reference }
}
