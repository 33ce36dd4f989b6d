/**
 * The fault matrix: for each way the reference server can be broken, the verdict and exactly
 * the checks that fail and warn, so that no fault goes unseen and none causes a false failure
 * elsewhere. The baseline passes with no failure and no warning.
 */
import { describe, expect, it } from '@jest/globals'
import { CATALOGUE, type CheckId, checksOfStage } from '../src/checks/catalogue.js'
import { parseConfig } from '../src/config.js'
import type { Report } from '../src/report/model.js'
import { runCheck } from '../src/run.js'
import {
  AUTHORIZATION_FAULT_NAMES,
  type AuthorizationFault,
  type Fault,
  FAULTS,
  generateSigningKey,
  startReferenceServer,
} from '../reference-server/server.js'

interface Expected {
  fail?: CheckId[]
  warn?: CheckId[]
}

/** A token the Orders feed then refuses, as it should. */
const FEED_REFUSES_TOKEN: CheckId[] = ['orders-feed.authorized']

const EXPECTED: Record<Exclude<Fault, AuthorizationFault>, Expected> = {
  'issuer-mismatch': { fail: ['discovery.issuer-matches'] },
  'issuer-trailing-slash': { fail: ['discovery.issuer-matches'] },
  'discovery-text-plain': { fail: ['discovery.content-type'] },
  'discovery-html-500': { fail: ['discovery.reachable'] },
  'discovery-missing-metadata': { fail: ['discovery.required-metadata'] },
  'discovery-no-client-credentials': { warn: ['discovery.grant-types'] },
  'discovery-missing-scopes': { warn: ['discovery.scopes'] },
  'jwks-500': { fail: ['jwks.reachable'] },
  'jwks-private-key': { fail: ['jwks.no-private-keys'] },
  'jwks-symmetric-key': { fail: ['jwks.no-private-keys'] },
  'jwks-weak-rsa': { fail: ['jwks.key-strength'] },
  'jwks-duplicate-kid': { warn: ['jwks.key-ids'] },
  'jwks-kid-missing': { fail: ['access-token.signature'], warn: ['jwks.key-ids'] },
  'foreign-signing-key': { fail: ['access-token.signature'] },
  'token-kid-unknown': { fail: ['access-token.signature'] },
  'registration-open': {
    fail: ['registration.requires-token', 'registration.rejects-invalid-token'],
  },
  'registration-status-200': { warn: ['registration.status-created'] },
  'registration-no-secret': { fail: ['registration.succeeded'] },
  'registration-no-secret-expiry': { warn: ['registration.secret-expiry'] },
  'registration-drops-metadata': { warn: ['registration.metadata-echoed'] },
  'registration-no-cache-control': { warn: ['registration.no-store'] },
  'token-expires-in-string': { fail: ['token.expires-in-type'] },
  'token-scope-array': { fail: ['token.scope'] },
  'token-type-missing': { fail: ['token.token-type'] },
  'token-no-cache-control': { warn: ['token.no-store'] },
  'token-refresh-token': { warn: ['token.no-refresh-token'] },
  'token-accepts-wrong-secret': { fail: ['token.rejects-wrong-secret'] },
  'token-grants-any-scope': { fail: ['token.scope-not-escalated'] },
  'token-200-error-body': {
    fail: ['token.succeeded'],
    warn: ['token.client-secret-post', 'token.invalid-client-error'],
  },
  'token-basic-not-decoded': { fail: ['token.succeeded'] },
  'token-get-accepted': { warn: ['token.get-rejected'] },
  'access-token-alg-none': { fail: ['access-token.signature', ...FEED_REFUSES_TOKEN] },
  'access-token-hs256': { fail: ['access-token.signature', ...FEED_REFUSES_TOKEN] },
  'access-token-expired': { fail: ['access-token.time', ...FEED_REFUSES_TOKEN] },
  'access-token-future-iat': { fail: ['access-token.time', ...FEED_REFUSES_TOKEN] },
  'access-token-no-aud': { warn: ['access-token.audience'] },
  'access-token-missing-claims': { warn: ['access-token.required-claims'] },
  'access-token-wrong-issuer': { fail: ['access-token.issuer', ...FEED_REFUSES_TOKEN] },
  'access-token-wrong-client-id': { fail: ['access-token.client-id'] },
  'access-token-scope-array': { warn: ['access-token.scope-format'] },
  'access-token-typ-jwt': { warn: ['access-token.typ'] },
  'access-token-long-lived': { warn: ['token.expires-in', 'access-token.lifetime'] },
  'opaque-access-token': {},
  'orders-feed-open': {
    fail: [
      'orders-feed.rejects-no-token',
      'orders-feed.rejects-tampered-token',
      'orders-feed.rejects-expired-token',
    ],
  },
  'orders-feed-rejects-valid': { fail: ['orders-feed.authorized'] },
  'orders-feed-accepts-tampered': {
    fail: ['orders-feed.rejects-tampered-token', 'orders-feed.rejects-expired-token'],
  },
  'orders-feed-login-redirect': {
    fail: [
      'orders-feed.authorized',
      'orders-feed.rejects-no-token',
      'orders-feed.rejects-tampered-token',
      'orders-feed.rejects-expired-token',
    ],
  },
  'orders-feed-wrong-content-type': { warn: ['orders-feed.content-type'] },
  'orders-feed-no-www-authenticate': { warn: ['orders-feed.www-authenticate'] },
  'orders-feed-500': { fail: ['orders-feed.authorized'] },
}

// The seller authorization's faults, checked with the test seller's login on.
const AUTHORIZATION_EXPECTED: Record<AuthorizationFault, Expected> = {
  'authorization-pkce-not-enforced': { fail: ['authorization.pkce-enforced'] },
  'authorization-code-reusable': { fail: ['authorization.code-single-use'] },
  'authorization-seller-claims-missing': {
    fail: ['authorization.seller-id', 'authorization.seller-claims'],
    warn: ['authorization.booking-service-claims'],
  },
  'authorization-no-refresh-token': { fail: ['authorization.refresh-token'] },
  'authorization-redirect-uri-unchecked': { fail: ['authorization.redirect-uri-checked'] },
  'authorization-consent-every-time': { warn: ['authorization.consent-remembered'] },
}

// Making an RSA key takes a while: every server of the matrix shares one.
const signingKey = generateSigningKey()

async function check(
  faults: Fault[],
  options: { strict?: boolean; seller?: boolean } = {},
): Promise<Report> {
  const server = await startReferenceServer({ faults, signingKey: await signingKey })
  try {
    const config = parseConfig({
      issuer: server.issuer,
      'initial-access-token': server.initialAccessToken,
      'orders-feed-url': server.ordersFeedUrl,
      'allow-insecure-http': 'true',
      strict: options.strict ? 'true' : 'false',
      ...(options.seller
        ? {
            'seller-username': server.seller.username,
            'seller-password': server.seller.password,
            'seller-id': server.seller.id,
          }
        : {}),
    })
    return await runCheck(config)
  } finally {
    await server.close()
  }
}

const ids = (report: Report, status: 'fail' | 'warn') =>
  report.checks.filter((check) => check.status === status).map((check) => check.id)

describe('the reference server', () => {
  it('passes every check with no failure and no warning, each check reported once', async () => {
    const report = await check([])
    expect(ids(report, 'fail')).toEqual([])
    expect(ids(report, 'warn')).toEqual([])
    expect(report.result).toBe('pass')
    expect(report.checks.map((check) => check.id)).toEqual(Object.keys(CATALOGUE))
    const skippedIds = report.checks.filter((c) => c.status === 'skip').map((c) => c.id)
    // Without a seller login, the authorization code flow is not checked; a loopback issuer
    // needs no SSRF guard.
    expect(skippedIds).toEqual([
      'discovery.issuer-url',
      'discovery.endpoint-addresses',
      ...checksOfStage('authorization'),
    ])
  })

  it('passes the seller authorization too, with the test seller’s login', async () => {
    const report = await check([], { seller: true })
    expect(ids(report, 'fail')).toEqual([])
    expect(ids(report, 'warn')).toEqual([])
    const skippedIds = report.checks.filter((c) => c.status === 'skip').map((c) => c.id)
    expect(skippedIds.filter((id) => id.startsWith('authorization.'))).toEqual([])
  })

  it('has a fault for at least 30 of the catalogue’s checks', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(30)
    const expected = [...Object.keys(EXPECTED), ...Object.keys(AUTHORIZATION_EXPECTED)]
    expect(expected.sort()).toEqual([...FAULTS].sort())
  })
})

const PARTNER_FAULTS = FAULTS.filter(
  (fault): fault is Exclude<Fault, AuthorizationFault> =>
    !AUTHORIZATION_FAULT_NAMES.includes(fault),
)

describe.each(PARTNER_FAULTS.map((fault) => [fault]))('fault %s', (fault) => {
  it('fails and warns exactly where it should', async () => {
    const report = await check([fault])
    const expected = EXPECTED[fault]
    expect({ fail: ids(report, 'fail').sort(), warn: ids(report, 'warn').sort() }).toEqual({
      fail: [...(expected.fail ?? [])].sort(),
      warn: [...(expected.warn ?? [])].sort(),
    })
    expect(report.result).toBe(expected.fail?.length ? 'fail' : 'pass')
  })
})

describe.each(AUTHORIZATION_FAULT_NAMES.map((fault) => [fault as AuthorizationFault]))(
  'fault %s, with the seller login',
  (fault) => {
    it('fails and warns exactly where it should', async () => {
      const report = await check([fault], { seller: true })
      const expected = AUTHORIZATION_EXPECTED[fault]
      expect({ fail: ids(report, 'fail').sort(), warn: ids(report, 'warn').sort() }).toEqual({
        fail: [...(expected.fail ?? [])].sort(),
        warn: [...(expected.warn ?? [])].sort(),
      })
      expect(report.result).toBe(expected.fail?.length ? 'fail' : 'pass')
    })
  },
)

describe('strict', () => {
  it('turns the tolerated RFC MUSTs into failures', async () => {
    const report = await check(['registration-status-200', 'access-token-typ-jwt'], {
      strict: true,
    })
    expect(ids(report, 'fail').sort()).toEqual(['access-token.typ', 'registration.status-created'])
    expect(ids(report, 'warn')).toEqual([])
  })

  it('leaves other warnings as warnings', async () => {
    const report = await check(['token-refresh-token'], { strict: true })
    expect(ids(report, 'warn')).toEqual(['token.no-refresh-token'])
    expect(report.result).toBe('pass')
  })
})
