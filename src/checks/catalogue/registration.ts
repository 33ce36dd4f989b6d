import type { CheckDefinition } from '../catalogue.js'
import { OIDC_REGISTRATION } from './clauses.js'

export const REGISTRATION_CHECKS = {
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
    strict: true,
    title: 'A successful registration answers 201 Created.',
    reference: `RFC 7591 §3.2.1; ${OIDC_REGISTRATION} §3.2 (the OpenActive test suite requires 201)`,
    fix: 'Answer 201 Created to a successful registration.',
  },
  'registration.secret-expiry': {
    stage: 'registration',
    level: 'should',
    strict: true,
    title: 'client_secret_expires_at is returned with the secret (0 when it never expires).',
    reference: 'RFC 7591 §3.2.1',
    fix: 'Return client_secret_expires_at: the secret’s expiry in seconds since the epoch, or 0.',
  },
  'registration.metadata-echoed': {
    stage: 'registration',
    level: 'should',
    title:
      'The response returns the registered metadata, still granting client_credentials and the scope.',
    reference: 'RFC 7591 §3.2.1',
    fix: 'Return all registered metadata; keep client_credentials and openactive-ordersfeed, which booking partners need for the Orders feed.',
  },
  'registration.no-store': {
    stage: 'registration',
    level: 'should',
    title: 'The response, which carries a secret, has Cache-Control: no-store.',
    reference: 'RFC 7591 §3.2.1; RFC 6749 §5.1',
    fix: 'Send Cache-Control: no-store (and Pragma: no-cache) with registration responses.',
  },
  'registration.requires-token': {
    stage: 'registration',
    level: 'must',
    title: 'A registration without an initial access token is refused.',
    reference: 'RFC 7591 §3; RFC 6750 §3.1',
    fix: 'Require a valid initial access token on the registration endpoint: answer 401 without one.',
  },
  'registration.rejects-invalid-token': {
    stage: 'registration',
    level: 'must',
    title: 'A registration with a wrong initial access token is refused.',
    reference: 'RFC 7591 §3; RFC 6750 §3.1',
    fix: 'Check the initial access token: answer 401 with error="invalid_token" to a wrong one.',
  },
  'registration.no-secret-echo': {
    stage: 'registration',
    level: 'should',
    title: 'No registration response echoes the initial access token it was sent.',
    reference: 'RFC 6750 §5.3; RFC 7591 §3.2.2',
    fix: 'Leave credentials out of error messages and bodies: logs and proxies keep them.',
  },
  'registration.client-deleted': {
    stage: 'registration',
    level: 'info',
    title:
      'The client registered for the check is deleted afterwards when the server offers RFC 7592 management (registration_client_uri and registration_access_token).',
    reference: 'RFC 7592 §2.3',
    fix: 'Nothing to fix; without RFC 7592 the registered client remains and its id is reported.',
  },
} as const satisfies Record<string, CheckDefinition>
