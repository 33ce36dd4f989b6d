/**
 * Property tests: generated and mutated discovery documents, JWKS, registration and token
 * responses and JWTs go through the checks. None may throw, and every run must end with a
 * verdict. 10,500 cases in all.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { checkAccessToken } from '../src/checks/access-token.js'
import { checkDiscovery } from '../src/checks/discovery.js'
import { checkJwks, type KeySet } from '../src/checks/jwks.js'
import { checkOrdersFeedAuthorized } from '../src/checks/orders-feed.js'
import { checkRegistration, checkRegistrationRefused } from '../src/checks/registration.js'
import { checkScopeEscalation, checkTokenResponse, checkWrongSecret } from '../src/checks/token.js'
import { parseConfig } from '../src/config.js'
import type { Exchange, Finding } from '../src/model.js'
import { buildReport } from '../src/report/model.js'
import { renderSummary } from '../src/report/summary.js'
import { renderTerminal } from '../src/report/terminal.js'
import { Secrets } from '../src/secrets.js'
import { CASE_ISSUER, CASE_NOW, readCase } from './helpers/cases.js'

const STATUSES = new Set(['pass', 'fail', 'warn', 'skip'])
const config = parseConfig({
  issuer: CASE_ISSUER,
  'client-id': 'bp-7f3c2a91',
  'client-secret': 'secret-value',
})

function exchange(body: string, status: number, contentType: string): Exchange {
  return {
    stage: 'discovery',
    label: 'Fuzzed',
    method: 'GET',
    url: `${CASE_ISSUER}/fuzzed`,
    requestHeaders: {},
    status,
    responseHeaders: { 'content-type': contentType },
    responseBody: body,
    startedAt: 0,
    durationMs: 0,
  }
}

/** Every finding is well formed, and the findings make a report with a verdict. */
function expectVerdict(findings: Finding[], exchanges: Exchange[] = []): void {
  for (const finding of findings) {
    expect(STATUSES.has(finding.status)).toBe(true)
    expect(typeof finding.message).toBe('string')
  }
  const report = buildReport({
    config,
    findings,
    exchanges,
    timings: {},
    startedAt: new Date(0),
    durationMs: 0,
    secrets: new Secrets(),
  })
  expect(['pass', 'fail']).toContain(report.result)
}

/** A JSON value: generated from scratch, or a known good document with parts replaced. */
function mutated(good: Record<string, unknown>) {
  const field = fc.constantFrom(...Object.keys(good), 'extra')
  return fc.oneof(
    fc.jsonValue(),
    fc
      .tuple(
        fc.array(fc.tuple(field, fc.jsonValue()), { maxLength: 4 }),
        fc.array(field, { maxLength: 2 }),
      )
      .map(([replace, remove]) => {
        const copy: Record<string, unknown> = { ...good, ...Object.fromEntries(replace) }
        for (const name of remove) delete copy[name]
        return copy
      }),
  )
}

/** A body as a server might send it: the JSON, or bytes of it cut or damaged. */
function body(json: fc.Arbitrary<unknown>) {
  return fc.oneof(
    json.map((value) => JSON.stringify(value) ?? 'null'),
    fc.tuple(json, fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value) ?? ''
      return text.slice(0, cut % (text.length + 1))
    }),
    fc.string(),
  )
}

const status = fc.oneof(
  fc.constantFrom(200, 201, 400, 401, 403, 404, 500, 302),
  fc.integer({ min: 100, max: 599 }),
)
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'Application/JSON; charset=utf-8',
  '',
)

describe('fuzzing the checks', () => {
  it('discovery documents (3,000)', () => {
    const good = readCase('_shared/good-discovery.json') as Record<string, unknown>
    fc.assert(
      fc.property(
        body(mutated(good)),
        status,
        contentType,
        fc.boolean(),
        (text, code, type, registering) => {
          const response = exchange(text, code, type)
          const { findings } = checkDiscovery(response, {
            issuer: CASE_ISSUER,
            registering,
            allowInsecureHttp: false,
          })
          expectVerdict(findings, [response])
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('JWKS (2,000)', async () => {
    const good = readCase('_shared/good-jwks.json') as { keys: Record<string, unknown>[] }
    const key = mutated(good.keys[0])
    const jwks = fc.oneof(
      fc.jsonValue(),
      fc.array(key, { maxLength: 4 }).map((keys) => ({ keys })),
    )
    await fc.assert(
      fc.asyncProperty(body(jwks), status, async (text, code) => {
        const { findings } = await checkJwks(exchange(text, code, 'application/json'))
        expectVerdict(findings)
      }),
      { numRuns: 2000 },
    )
  })

  it('registration, token and Orders feed responses (3,000)', () => {
    const registered = readCase('16-dcr-status-200/registration-response.json') as {
      body: Record<string, unknown>
    }
    const token = readCase('08-token-type-lowercase/token-response.json') as {
      body: Record<string, unknown>
    }
    const responses = fc.oneof(body(mutated(registered.body)), body(mutated(token.body)))
    fc.assert(
      fc.property(responses, status, contentType, (text, code, type) => {
        const response = exchange(text, code, type)
        const findings = [
          ...checkRegistration(response, 'openactive-ordersfeed').findings,
          checkRegistrationRefused(response, 'registration.requires-token', 'without a token')
            .finding,
          ...checkTokenResponse(response, 'openactive-ordersfeed').findings,
          ...checkWrongSecret(response),
          checkScopeEscalation(response, 'openactive-openbooking'),
          ...checkOrdersFeedAuthorized(response),
        ]
        expectVerdict(findings, [response])
      }),
      { numRuns: 3000 },
    )
  })

  it('access tokens (2,500), and the reports rendered from some', async () => {
    const good = readCase('_shared/good-access-token.jwt') as string
    const jwks = readCase('_shared/good-jwks.json') as KeySet
    const part = (value: unknown) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')
    const [goodHeader, goodClaims] = good
      .split('.')
      .slice(0, 2)
      .map((text) => JSON.parse(Buffer.from(text, 'base64url').toString()))
    const token = fc.oneof(
      fc.string(),
      fc
        .tuple(
          mutated(goodHeader),
          mutated(goodClaims),
          fc.constantFrom(good.split('.')[2], '', 'c2ln'),
        )
        .map(([header, claims, signature]) => `${part(header)}.${part(claims)}.${signature}`),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const index = at % good.length
        return `${good.slice(0, index)}${String.fromCharCode(byte)}${good.slice(index + 1)}`
      }),
    )
    let rendered = 0
    await fc.assert(
      fc.asyncProperty(token, async (accessToken) => {
        const findings = await checkAccessToken(accessToken, {
          issuer: CASE_ISSUER,
          clientId: 'bp-7f3c2a91',
          scope: 'openactive-ordersfeed',
          jwks,
          now: CASE_NOW,
        })
        expectVerdict(findings)
        if (rendered++ % 50 === 0) {
          const report = buildReport({
            config,
            findings,
            exchanges: [],
            timings: {},
            startedAt: new Date(0),
            durationMs: 0,
            secrets: new Secrets(),
          })
          expect(renderSummary(report)).toContain('OpenActive auth check')
          expect(renderTerminal(report)).toContain('OpenActive auth check')
        }
      }),
      { numRuns: 2500 },
    )
  })
})
