/**
 * Servers that look conformant at a glance and are not: each was once passed or skipped, and
 * must now get the verdict a booking partner would give. No network: the checks are pure.
 */
import { describe, expect, it } from '@jest/globals'
import { checkRefused } from '../src/checks/orders-feed.js'
import { checkRegistration } from '../src/checks/registration.js'
import { checkOauthMetadata } from '../src/checks/discovery-metadata.js'
import {
  checkGetRejected,
  checkScopeEscalation,
  checkTokenResponse,
  checkWrongSecret,
} from '../src/checks/token.js'
import type { Exchange } from '../src/model.js'
import { findingOf } from './helpers/cases.js'

const ISSUED_AT = Date.UTC(2026, 11, 4, 9, 0, 0)
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: object) => `${part({ alg: 'RS256', kid: 'k1' })}.${part(claims)}.c2ln`

function answer(status: number, body: unknown): Exchange {
  return {
    stage: 'token',
    label: 'Recorded',
    method: 'POST',
    url: 'https://auth.booking-system.example/token',
    requestHeaders: {},
    status,
    responseHeaders: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    responseBody: JSON.stringify(body),
    startedAt: ISSUED_AT,
    durationMs: 1,
  }
}

describe('an Orders feed refusal', () => {
  const page = { items: [{ id: 'order-1', state: 'updated' }], next: '/feed?afterId=order-1' }

  it('fails when a 500 carries the feed all the same', () => {
    const finding = checkRefused(
      answer(500, page),
      'orders-feed.rejects-no-token',
      'without a token',
    )
    expect(finding.status).toBe('fail')
    expect(finding.message).toBe(
      'A request without a token got HTTP 500, but its body is an RPDE page with 1 item(s): the Orders feed is served whatever the status says.',
    )
  })

  it('cannot tell from a 500 that serves nothing', () => {
    const finding = checkRefused(
      answer(500, { error: 'server_error' }),
      'orders-feed.rejects-no-token',
      'without a token',
    )
    expect(finding.status).toBe('skip')
    expect(finding.message).toMatch(/^Could not tell: a request without a token got HTTP 500/)
  })
})

describe('the scope escalation probe', () => {
  const booking = 'openactive-openbooking'

  it("fails when the token's scope claim grants booking while the response says otherwise", () => {
    const token = jwt({ scope: booking })
    const finding = checkScopeEscalation(
      answer(200, { access_token: token, token_type: 'Bearer', scope: 'openactive-ordersfeed' }),
      booking,
      { scope: booking },
    )
    expect(finding.status).toBe('fail')
    expect(finding.message).toBe(
      'A request for openactive-openbooking by the Orders feed client got a token whose scope claim grants it, though the response\'s scope says "openactive-ordersfeed".',
    )
  })

  it('fails when a 500 hands out a booking token', () => {
    const token = jwt({ scope: booking })
    const finding = checkScopeEscalation(
      answer(500, { access_token: token, token_type: 'Bearer' }),
      booking,
      { scope: booking },
    )
    expect(finding.status).toBe('fail')
    expect(finding.message).toContain('got a token with HTTP 500 whose scope claim grants it')
  })

  it('passes when the token is narrowed, whatever the response says', () => {
    const finding = checkScopeEscalation(
      answer(200, { access_token: jwt({}), token_type: 'Bearer', scope: booking }),
      booking,
      { scope: 'openactive-ordersfeed' },
    )
    expect(finding.status).toBe('pass')
    expect(finding.message).toBe(
      'A request for openactive-openbooking was narrowed to "openactive-ordersfeed".',
    )
  })
})

describe('lifetimes', () => {
  it('warns about an expires_in that is not positive', () => {
    const { findings } = checkTokenResponse(
      answer(200, {
        access_token: 'opaque-token-value',
        token_type: 'Bearer',
        expires_in: -60,
        scope: 'openactive-ordersfeed',
      }),
      'openactive-ordersfeed',
    )
    const finding = findingOf(findings, 'token.expires-in')
    expect(finding.status).toBe('warn')
    expect(finding.message).toMatch(/^expires_in is -60 s: the token is expired as it is issued/)
  })

  it('warns about a client secret that expired before it was issued', () => {
    const registered = answer(201, {
      client_id: 'client-1',
      client_secret: 'made-up-secret-value',
      client_secret_expires_at: 1,
      grant_types: ['client_credentials'],
      scope: 'openactive-ordersfeed',
      token_endpoint_auth_method: 'client_secret_basic',
    })
    const finding = findingOf(
      checkRegistration(registered, 'openactive-ordersfeed').findings,
      'registration.secret-expiry',
    )
    expect(finding.status).toBe('warn')
    expect(finding.message).toBe(
      'client_secret_expires_at is 1: the secret expired 1970-01-01T00:00:01.000Z, before it was issued; 0 means it never expires (RFC 7591 §3.2.1).',
    )
  })
})

describe('a probe that got no answer', () => {
  const unanswered: Exchange = {
    ...answer(0, {}),
    status: undefined,
    responseBody: '',
    error: { code: 'ERR_RUN_BUDGET', message: 'the run-timeout was reached; not sent' },
  }

  it('is not taken for a refusal', () => {
    const [wrongSecret, invalidClient] = checkWrongSecret(unanswered)
    expect(wrongSecret).toMatchObject({ id: 'token.rejects-wrong-secret', status: 'skip' })
    expect(wrongSecret.message).toMatch(/^Could not tell: the request with a wrong secret got /)
    expect(invalidClient).toMatchObject({ id: 'token.invalid-client-error', status: 'skip' })
    expect(checkGetRejected(unanswered)).toMatchObject({ status: 'skip' })
  })

  it('leaves the RFC 8414 comparison unchecked', () => {
    expect(checkOauthMetadata(unanswered, {})).toMatchObject({
      status: 'skip',
      message: expect.stringMatching(/^Could not tell: /),
    })
  })
})
