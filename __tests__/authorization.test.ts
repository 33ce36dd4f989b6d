/**
 * The seller authorization stage end to end against the reference server: the form login, its
 * transcript and redaction, a refused login, the inputs, and browser mode where Chromium exists.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { checksOfStage } from '../src/checks/catalogue.js'
import { InputError, parseConfig, type RawInputs } from '../src/config.js'
import type { Report } from '../src/report/model.js'
import { renderJson } from '../src/report/json.js'
import { runCheck } from '../src/run.js'
import { findChrome, loadPlaywright } from '../src/stages/login-browser.js'
import {
  generateSigningKey,
  type ReferenceServer,
  startReferenceServer,
} from '../reference-server/server.js'

let server: ReferenceServer

beforeAll(async () => {
  server = await startReferenceServer({ signingKey: await generateSigningKey() })
})
afterAll(() => server.close())

function inputs(extra: RawInputs = {}): RawInputs {
  return {
    issuer: server.issuer,
    'initial-access-token': server.initialAccessToken,
    'allow-insecure-http': 'true',
    'seller-username': server.seller.username,
    'seller-password': server.seller.password,
    'seller-id': server.seller.id,
    ...extra,
  }
}

const stageOf = (report: Report) => report.checks.filter((c) => c.stage === 'authorization')
const labels = (report: Report) =>
  report.exchanges.filter((e) => e.stage === 'authorization').map((e) => e.label)

describe('the seller authorization, form login', () => {
  let report: Report

  beforeAll(async () => {
    report = await runCheck(parseConfig(inputs()))
  })

  it('passes every check of the stage', () => {
    expect(stageOf(report).map((c) => [c.id, c.status])).toEqual(
      checksOfStage('authorization').map((id) => [id, 'pass']),
    )
    expect(report.result).toBe('pass')
    expect(report.stages.find((s) => s.stage === 'authorization')?.status).toBe('pass')
  })

  it('reports the login steps in the transcript: login form, consent, then a new login', () => {
    expect(labels(report)).toEqual(
      expect.arrayContaining([
        'First authorization: authorization request',
        'First authorization: login form',
        'First authorization: consent form',
        'Code exchange with a wrong code_verifier',
        'Code exchange',
        'Refresh token grant',
        'Second authorization: login form',
        'Second code exchange',
        'Same code exchanged again',
      ]),
    )
    expect(labels(report)).not.toContain('Second authorization: consent form')
  })

  it('keeps the login form’s hidden anti-forgery input and redacts the credentials', () => {
    const login = report.exchanges.find((e) => e.label === 'First authorization: login form')
    expect(login?.requestBody).toMatch(
      /^csrf=[\w-]{10,}&username=\[REDACTED\]&password=\[REDACTED\]$/,
    )
    expect(login?.status).toBe(303)
  })

  it('registers the client for the authorization code flow with the redirect URI', () => {
    const registration = report.exchanges.find((e) => e.label === 'Dynamic Client Registration')
    expect(JSON.parse(registration?.requestBody ?? '{}')).toMatchObject({
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      redirect_uris: ['http://127.0.0.1/openactive-auth-check/callback'],
      scope:
        'openactive-ordersfeed openid openactive-openbooking openactive-identity offline_access',
    })
  })

  it('redacts passwords, codes, verifiers, tokens and session cookies everywhere', () => {
    const json = renderJson(report)
    expect(json).not.toContain(server.seller.password)
    expect(json).not.toContain(server.seller.username)
    const exchange = report.exchanges.find((e) => e.label === 'Code exchange')
    expect(exchange?.requestBody).toMatch(/code=\[REDACTED\]&.*code_verifier=\[REDACTED\]$/)
    const body = JSON.parse(exchange?.responseBody ?? '{}')
    for (const name of ['access_token', 'id_token', 'refresh_token']) {
      expect(body[name]).toBe('[REDACTED]')
    }
    const redirects = report.exchanges
      .map((e) => e.responseHeaders.location)
      .filter((location) => String(location).startsWith('http://127.0.0.1/openactive'))
    expect(redirects).toHaveLength(2)
    for (const location of redirects) expect(location).toMatch(/code=\[REDACTED\]/)
    for (const cookie of report.exchanges.flatMap((e) => e.responseHeaders['set-cookie'] ?? [])) {
      expect(cookie).toMatch(/^[^=]+=(\[REDACTED\])?;/)
    }
  })

  it('checks no authorization without a seller login, and says how to turn it on', async () => {
    const off = await runCheck(
      parseConfig(inputs({ 'seller-username': '', 'seller-password': '', 'seller-id': '' })),
    )
    expect(new Set(stageOf(off).map((c) => c.status))).toEqual(new Set(['skip']))
    expect(stageOf(off)[0].message).toMatch(/give seller-username and seller-password/)
    expect(labels(off)).toEqual([])
  })
})

describe('a login that does not go through', () => {
  it('fails authorization.login when the password is refused', async () => {
    const report = await runCheck(parseConfig(inputs({ 'seller-password': 'not-the-password' })))
    const login = stageOf(report).find((c) => c.id === 'authorization.login')
    expect(login).toMatchObject({ status: 'fail' })
    expect(login?.message).toMatch(/the login page came back after the credentials were sent/)
    expect(stageOf(report).find((c) => c.id === 'authorization.state')?.status).toBe('skip')
    expect(renderJson(report)).not.toContain('not-the-password')
  })

  it('names the selectors and browser mode when no login form matches', async () => {
    const selectors = 'username: #email\npassword: #secret'
    const report = await runCheck(parseConfig(inputs({ 'login-selectors': selectors })))
    const login = stageOf(report).find((c) => c.id === 'authorization.login')
    expect(login?.status).toBe('fail')
    expect(login?.message).toContain('"#email"')
    expect(login?.message).toContain('login-mode browser')
  })
})

describe('a token endpoint that takes client_secret_post but not client_secret_basic', () => {
  let faulty: ReferenceServer

  beforeAll(async () => {
    faulty = await startReferenceServer({
      signingKey: await generateSigningKey(),
      faults: ['token-basic-not-decoded'],
    })
  })
  afterAll(() => faulty.close())

  it('exchanges the code with client_secret_post, as the token stage got its token', async () => {
    const report = await runCheck(
      parseConfig({
        issuer: faulty.issuer,
        'initial-access-token': faulty.initialAccessToken,
        'allow-insecure-http': 'true',
        'seller-username': faulty.seller.username,
        'seller-password': faulty.seller.password,
        'seller-id': faulty.seller.id,
      }),
    )
    expect(report.checks.find((c) => c.id === 'token.succeeded')?.status).toBe('fail')
    expect(stageOf(report).find((c) => c.id === 'authorization.pkce-enforced')).toMatchObject({
      status: 'pass',
      message: 'A wrong code_verifier was refused with HTTP 400 invalid_grant.',
    })
    expect(stageOf(report).map((c) => [c.id, c.status])).toEqual(
      checksOfStage('authorization').map((id) => [id, 'pass']),
    )
    const exchange = report.exchanges.find((e) => e.label === 'Code exchange')
    expect(exchange?.requestHeaders.authorization).toBeUndefined()
    expect(exchange?.requestBody).toMatch(/&client_id=[^&]+&client_secret=\[REDACTED\]$/)
  })
})

describe('seller inputs', () => {
  const base = { issuer: 'https://auth.example.com', 'initial-access-token': 'iat-value' }
  const error = (raw: RawInputs) => {
    try {
      parseConfig({ ...base, ...raw })
    } catch (caught) {
      return caught instanceof InputError ? caught.message : String(caught)
    }
    return undefined
  }

  it('needs the username and password together, never echoing them', () => {
    expect(error({ 'seller-username': 'someone' })).toBe(
      'seller-password: required with seller-username',
    )
    expect(error({ 'seller-password': 'pw-123' })).toBe(
      'seller-username: required with seller-password',
    )
    expect(error({ 'seller-id': 'https://x.example/s/1' })).toBe(
      'seller-id: needs seller-username and seller-password',
    )
  })

  it('reads the mode, redirect URI and selectors, with defaults', () => {
    const seller = parseConfig({
      ...base,
      'seller-username': 'someone',
      'seller-password': ' spaced ',
      'login-selectors': "username: input[name='email']\nsubmit: button.primary:not([disabled])",
    }).seller
    expect(seller).toMatchObject({
      password: ' spaced ',
      mode: 'form',
      redirectUri: 'http://127.0.0.1/openactive-auth-check/callback',
      selectors: {
        username: "input[name='email']",
        password: "[name='password' i]",
        submit: 'button.primary:not([disabled])',
      },
    })
    const login = { 'seller-username': 'someone', 'seller-password': 'pw-123' }
    expect(error({ ...login, 'login-mode': 'robot' })).toMatch(/^login-mode: must be "form"/)
    expect(error({ ...login, 'login-selectors': 'email #email' })).toMatch(/^login-selectors:/)
    expect(error({ ...login, 'redirect-uri': 'http://partner.example/cb' })).toMatch(
      /^redirect-uri: must be an https URL/,
    )
  })

  it('takes a chrome-path with no file there as bad input, not as the server’s fault', () => {
    const login = { 'seller-username': 'someone', 'seller-password': 'pw-123' }
    expect(error({ ...login, 'login-mode': 'browser', 'chrome-path': '/nope/chrome' })).toBe(
      'chrome-path: there is no file at "/nope/chrome"',
    )
  })
})

// Browser mode drives a real Chrome or Chromium; .ci/run installs Debian's chromium.
const chrome = findChrome()
const browserReady = chrome !== undefined && loadPlaywright() !== undefined
const browserTest = browserReady
  ? it
  : (name: string) =>
      it.skip(`${name} — SKIPPED: no Chrome or Chromium found (apt-get install chromium)`, () => {})

describe('the seller authorization, browser login', () => {
  browserTest(
    'passes every check of the stage with headless Chromium',
    async () => {
      const report = await runCheck(parseConfig(inputs({ 'login-mode': 'browser' })))
      expect(stageOf(report).map((c) => [c.id, c.status])).toEqual(
        checksOfStage('authorization').map((id) => [id, 'pass']),
      )
      expect(labels(report)).toContain('First authorization: browser page load')
      expect(renderJson(report)).not.toContain(server.seller.password)
    },
    60_000,
  )
})
