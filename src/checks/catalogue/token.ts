import type { CheckDefinition } from '../catalogue.js'
import { OBA } from './clauses.js'

export const TOKEN_CHECKS = {
  'token.succeeded': {
    stage: 'token',
    level: 'must',
    title:
      'POST token_endpoint with grant_type=client_credentials and client_secret_basic answers 200 with a JSON access_token.',
    reference: 'RFC 6749 §4.4.2, §4.4.3, §5.1, §2.3.1',
    fix: 'Accept the client credentials grant with HTTP Basic authentication, form-urldecoding the user name and password (RFC 6749 §2.3.1), and return the token as JSON.',
  },
  'token.content-type': {
    stage: 'token',
    level: 'must',
    title: 'The token response is application/json.',
    reference: 'RFC 6749 §5.1',
    fix: 'Send Content-Type: application/json with token responses.',
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
  'token.expires-in-type': {
    stage: 'token',
    level: 'must',
    title: 'expires_in, when present, is a JSON number.',
    reference: 'RFC 6749 §5.1, Appendix A.14',
    fix: 'Return expires_in as a number of seconds, not a string.',
  },
  'token.expires-in': {
    stage: 'token',
    level: 'should',
    title: 'expires_in is present and at most 900 seconds (OpenActive recommends 15 minutes).',
    reference: `RFC 6749 §5.1; ${OBA} §OAuth Flows and Scopes`,
    fix: 'Issue Orders feed access tokens for 15 minutes and say so in expires_in.',
  },
  'token.no-refresh-token': {
    stage: 'token',
    level: 'should',
    title: 'No refresh_token is issued to the client credentials grant.',
    reference: 'RFC 6749 §4.4.3',
    fix: 'Do not issue refresh tokens for client credentials: the client can ask again.',
  },
  'token.no-store': {
    stage: 'token',
    level: 'should',
    title: 'The token response has Cache-Control: no-store.',
    reference: 'RFC 6749 §5.1',
    fix: 'Send Cache-Control: no-store (and Pragma: no-cache) with token responses.',
  },
  'token.client-secret-post': {
    stage: 'token',
    level: 'should',
    title: 'client_secret_post, when advertised, works too.',
    reference: 'RFC 6749 §2.3.1; OpenID Connect Core 1.0 §9',
    fix: 'Accept client_id and client_secret in the form body, or stop advertising client_secret_post.',
  },
  'token.rejects-wrong-secret': {
    stage: 'token',
    level: 'must',
    title: 'A wrong client secret gets no access token.',
    reference: 'RFC 6749 §5.2, §2.3.1',
    fix: 'Authenticate the client: refuse a wrong secret with 401 invalid_client.',
  },
  'token.invalid-client-error': {
    stage: 'token',
    level: 'should',
    title:
      'A wrong client secret is refused with 401, error "invalid_client" and a WWW-Authenticate header.',
    reference: 'RFC 6749 §5.2',
    fix: 'Answer 401 with WWW-Authenticate: Basic and {"error": "invalid_client"}.',
  },
  'token.scope-not-escalated': {
    stage: 'token',
    level: 'must',
    title:
      'The client credentials grant never grants openactive-openbooking to a client registered for the Orders feed.',
    reference: `RFC 6749 §3.3, §5.2 (invalid_scope); ${OBA} §OAuth Flows and Scopes`,
    fix: 'Grant only the scopes the client was registered for; refuse others with 400 invalid_scope or leave them out.',
  },
  'token.no-secret-echo': {
    stage: 'token',
    level: 'should',
    title: 'No token endpoint response echoes the client secret it was sent.',
    reference: 'RFC 6749 §10.3; RFC 6750 §5.3',
    fix: 'Leave credentials out of error messages and bodies: logs and proxies keep them.',
  },
  'token.get-rejected': {
    stage: 'token',
    level: 'should',
    title: 'A GET to the token endpoint is refused: only POST is allowed.',
    reference: 'RFC 6749 §3.2',
    fix: 'Answer 405 (or 400) to GET on the token endpoint.',
  },
} as const satisfies Record<string, CheckDefinition>
