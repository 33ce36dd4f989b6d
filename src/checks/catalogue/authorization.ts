import type { CheckDefinition } from '../catalogue.js'
import { OBA } from './clauses.js'

const OIDC_CORE = 'OpenID Connect Core 1.0'
const TEST_SUITE = 'OpenActive test suite, authorization-code-flow-test'

/** The seller authorization stage: only with a seller's test login (seller-username/password). */
export const AUTHORIZATION_CHECKS = {
  'authorization.redirect-uri-checked': {
    stage: 'authorization',
    level: 'must',
    title:
      'An authorization request with a redirect URI that was not registered is refused before the login page, and never redirected to that URI.',
    reference: `RFC 6749 §3.1.2.4, §4.1.2.1; ${OIDC_CORE} §3.1.2.1`,
    fix: 'Compare redirect_uri exactly with the client’s registered redirect URIs and show an error page (no redirect) when it does not match.',
  },
  'authorization.login': {
    stage: 'authorization',
    level: 'must',
    title:
      'The authorization request leads to a login page; the seller’s credentials (and consent) end in a redirect to the redirect URI with a code.',
    reference: `RFC 6749 §4.1.1, §4.1.2; ${OBA} §Authorization Code Flow`,
    fix: 'Serve a login page for the authorization endpoint, accept the test seller’s credentials, and redirect to the registered redirect URI with code and state. If the login needs JavaScript, use login-mode browser; check login-selectors.',
  },
  'authorization.state': {
    stage: 'authorization',
    level: 'must',
    title: 'The redirect carries the state parameter exactly as sent.',
    reference: 'RFC 6749 §4.1.2, §10.12',
    fix: 'Return the state request parameter unchanged with the code.',
  },
  'authorization.pkce-enforced': {
    stage: 'authorization',
    level: 'must',
    title:
      'With PKCE S256 sent, a code exchanged with a wrong code_verifier is refused with invalid_grant.',
    reference: 'RFC 7636 §4.4, §4.6; OAuth 2.0 Security BCP (RFC 9700) §2.1.1',
    fix: 'Store code_challenge with the code and compare BASE64URL(SHA256(code_verifier)) with it at the token endpoint; refuse a mismatch with 400 invalid_grant.',
  },
  'authorization.token-response': {
    stage: 'authorization',
    level: 'must',
    title:
      'The code exchange answers 200 JSON with access_token, token_type Bearer and an id_token.',
    reference: `RFC 6749 §4.1.3, §4.1.4, §5.1; ${OIDC_CORE} §3.1.3.3; ${OBA} §Authorization Code Flow`,
    fix: 'Exchange a valid code (with client authentication and the code_verifier) for an access token and an ID token.',
  },
  'authorization.refresh-token': {
    stage: 'authorization',
    level: 'must',
    title: 'A refresh_token is issued for the offline_access scope.',
    reference: `${OBA} §Authorization Code Flow; ${OIDC_CORE} §11; ${TEST_SUITE} (refresh)`,
    fix: 'Issue a refresh token when offline_access is requested (with prompt=consent), so the partner keeps access to the seller.',
  },
  'authorization.id-token-signature': {
    stage: 'authorization',
    level: 'must',
    title: 'The ID token’s signature verifies with a key from the JWKS.',
    reference: `${OIDC_CORE} §3.1.3.7, §10.1`,
    fix: 'Sign ID tokens with an asymmetric key (e.g. RS256) published in jwks_uri, naming it by kid.',
  },
  'authorization.id-token-claims': {
    stage: 'authorization',
    level: 'must',
    title: 'The ID token’s iss is the issuer, aud the client id, nonce as sent, exp and iat sound.',
    reference: `${OIDC_CORE} §2, §3.1.3.7`,
    fix: 'Set iss to the issuer, aud to the client id, echo the nonce of the request, and set iat and exp from a correct clock.',
  },
  'authorization.seller-id': {
    stage: 'authorization',
    level: 'must',
    title:
      'The ID token carries https://openactive.io/sellerId, equal to the seller’s @id when seller-id is given.',
    reference: `${OBA} §ID Token claims; ${TEST_SUITE}`,
    fix: 'Add the https://openactive.io/sellerId claim (the seller’s JSON-LD @id) to ID tokens for the openactive-identity scope.',
  },
  'authorization.seller-claims': {
    stage: 'authorization',
    level: 'must',
    title:
      'The ID token carries https://openactive.io/sellerName, sellerUrl and sellerLogo as strings.',
    reference: `${OBA} §ID Token claims; ${TEST_SUITE}`,
    fix: 'Add the sellerName, sellerUrl and sellerLogo claims (https://openactive.io/…) to ID tokens for the openactive-identity scope.',
  },
  'authorization.booking-service-claims': {
    stage: 'authorization',
    level: 'should',
    title: 'The ID token carries https://openactive.io/bookingServiceName and bookingServiceUrl.',
    reference: `${OBA} §ID Token claims`,
    fix: 'Add the bookingServiceName and bookingServiceUrl claims (https://openactive.io/…) to ID tokens for the openactive-identity scope.',
  },
  'authorization.openbooking-scope': {
    stage: 'authorization',
    level: 'must',
    title: 'The access token grants openactive-openbooking.',
    reference: `RFC 6749 §3.3, §5.1; ${OBA} §OAuth Flows and Scopes`,
    fix: 'Grant openactive-openbooking to the authorization code flow and say so in the token response’s scope.',
  },
  'authorization.refresh': {
    stage: 'authorization',
    level: 'must',
    title: 'The refresh token grant returns a new access token.',
    reference: `RFC 6749 §6; ${TEST_SUITE} (refresh)`,
    fix: 'Accept grant_type=refresh_token with client authentication and return a new access token.',
  },
  'authorization.refresh-rotation': {
    stage: 'authorization',
    level: 'info',
    title: 'Reports whether the refresh token grant rotates the refresh token.',
    reference: 'RFC 6749 §6; OAuth 2.0 Security BCP (RFC 9700) §4.14.2',
    fix: 'Nothing to fix: partners must keep the refresh token the last response returned.',
  },
  'authorization.consent-remembered': {
    stage: 'authorization',
    level: 'should',
    title:
      'A second authorization by the same seller (a new login) does not ask for consent again.',
    reference: `${OBA} §Authorization Code Flow; OpenActive test suite, authorization-persisted-test`,
    fix: 'Remember the seller’s consent for the booking partner across logins; ask again only for new scopes or prompt=consent.',
  },
  'authorization.code-single-use': {
    stage: 'authorization',
    level: 'must',
    title: 'An authorization code exchanged once is refused the second time.',
    reference: 'RFC 6749 §4.1.2, §10.5',
    fix: 'Mark a code used at its first exchange and refuse it afterwards with invalid_grant (ideally revoking the tokens it gave).',
  },
} as const satisfies Record<string, CheckDefinition>
