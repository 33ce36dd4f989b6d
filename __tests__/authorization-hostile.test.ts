/**
 * The seller login against login pages that misbehave, on loopback: a Location or a form action
 * that is no URL, a cookie for another domain; and browser mode on a machine without
 * playwright-core. Each run ends with a report, and what it says is the user's to read.
 */
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RawInputs } from '../src/config.js'
import type { Report } from '../src/report/model.js'
import {
  discoveryDocument,
  hostileServer,
  type HostileServer,
  sendJson,
} from './helpers/hostile.js'

// This machine has playwright-core; the user's may not. Everything else is required as usual.
jest.unstable_mockModule('node:module', () => {
  const actual = jest.requireActual<typeof import('node:module')>('node:module')
  const createRequire = (base: string | URL) => {
    const require = actual.createRequire(base)
    return Object.assign((id: string) => {
      if (id === 'playwright-core') throw new Error("Cannot find module 'playwright-core'")
      return require(id)
    }, require)
  }
  return { ...actual, default: { ...actual, createRequire }, createRequire }
})

let runCheck: typeof import('../src/run.js').runCheck
let parseConfig: typeof import('../src/config.js').parseConfig
let renderTerminal: typeof import('../src/report/terminal.js').renderTerminal

beforeAll(async () => {
  ;({ runCheck } = await import('../src/run.js'))
  ;({ parseConfig } = await import('../src/config.js'))
  ;({ renderTerminal } = await import('../src/report/terminal.js'))
})

const REDIRECT_URI = 'http://127.0.0.1/openactive-auth-check/callback'

const servers: HostileServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/**
 * A server whose discovery document points everything at itself, and whose authorization
 * endpoint (`/authorize`) and login form (`/login`) answer as `login` says.
 */
async function serve(
  login: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<HostileServer> {
  const server = await hostileServer((req, res, base) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      if (/^\/(authorize|login)\b/.test(req.url ?? '')) login(req, res, body)
      else sendJson(res, 200, discoveryDocument(base))
    })
  })
  servers.push(server)
  return server
}

async function check(issuer: string, extra: RawInputs = {}): Promise<Report> {
  return runCheck(
    parseConfig({
      issuer,
      'client-id': 'bp-client',
      'client-secret': 'bp-secret',
      'allow-insecure-http': 'true',
      'request-timeout': '2',
      'seller-username': 'seller@example.com',
      'seller-password': 'seller-password-123',
      ...extra,
    }),
  )
}

const finding = (report: Report, id: string) => report.checks.find((check) => check.id === id)

function loginPage(res: ServerResponse, form: string, headers: Record<string, string[]> = {}) {
  res.writeHead(200, { 'content-type': 'text/html', ...headers })
  res.end(
    `<html><title>Log in</title><body>${form}<input name="username"><input name="password" type="password"><button type="submit">Log in</button></form></body></html>`,
  )
}

describe('a seller login that hands out something that is not a URL', () => {
  it.each([
    [
      'a Location header',
      (res: ServerResponse) => res.writeHead(302, { location: 'http://[' }).end(),
      'The first authorization failed: the authorization request was answered HTTP 302 with a Location header that is not a URL ("http://[").',
    ],
    [
      'a login form action',
      (res: ServerResponse) => loginPage(res, '<form method="post" action="http://[::1">'),
      'The first authorization failed: the login form\'s action "http://[::1" is not a URL.',
    ],
    [
      'a submit button formaction',
      (res: ServerResponse) =>
        loginPage(
          res,
          '<form method="post" action="/login"><button type="submit" formaction="https://[bad">Go</button>',
        ),
      'The first authorization failed: the login form\'s submit button formaction "https://[bad" is not a URL.',
    ],
  ])('fails authorization.login naming %s, and keeps the run', async (_, answer, message) => {
    const server = await serve((_, res) => answer(res))
    const report = await check(server.base)

    expect(finding(report, 'authorization.login')).toMatchObject({ status: 'fail', message })
    expect(finding(report, 'authorization.state')).toMatchObject({
      status: 'skip',
      message: 'Not checked, because authorization.login failed.',
    })
    expect(finding(report, 'discovery.issuer-matches')?.status).toBe('pass')
    expect(report.checks.filter((check) => check.stage === 'token').length).toBeGreaterThan(0)
  })
})

describe('a login page that sets a cookie for another domain', () => {
  it.each([
    ['with', ['_ga=GA1.2.3; Domain=analytics.example.com; Path=/']],
    ['without', []],
  ])('logs in %s it, ignoring that cookie as a browser does', async (_, foreign) => {
    const sessions: (string | undefined)[] = []
    const server = await serve((req, res, body) => {
      if (req.method === 'GET') {
        const state = new URL(req.url ?? '', 'http://x').searchParams.get('state') ?? ''
        const cookies = ['session=abc123def456; Path=/; HttpOnly', ...foreign]
        loginPage(
          res,
          `<form method="post" action="/login"><input type="hidden" name="state" value="${state}">`,
          { 'set-cookie': cookies },
        )
        return
      }
      sessions.push(req.headers.cookie)
      const state = new URLSearchParams(body).get('state') ?? ''
      res.writeHead(303, { location: `${REDIRECT_URI}?code=the-code&state=${state}` }).end()
    })
    const report = await check(server.base)

    expect(finding(report, 'authorization.login')).toMatchObject({
      status: 'pass',
      message:
        'The seller logged in (form mode) and after the login the server redirected to the redirect URI with a code.',
    })
    expect(finding(report, 'authorization.state')?.status).toBe('pass')
    expect(sessions[0]).toBe('session=abc123def456')
  })
})

describe('browser mode without playwright-core', () => {
  it('skips the stage, saying the tool’s own dependency is missing and how to install it', async () => {
    const server = await serve((_, res) => res.writeHead(500).end())
    // Any existing file passes for Chrome here: playwright-core is looked for next.
    const report = await check(server.base, {
      'login-mode': 'browser',
      'chrome-path': process.execPath,
    })

    const stage = report.checks.filter((check) => check.stage === 'authorization')
    expect(stage.length).toBeGreaterThan(0)
    for (const check of stage) {
      expect(check).toMatchObject({
        status: 'skip',
        message:
          'Skipped: login-mode browser needs the playwright-core package, which this tool loads at run time and which is not installed: run npm install playwright-core in the working directory, or use login-mode form.',
      })
    }
    expect(server.seen.filter((line) => line.startsWith('GET /authorize'))).toEqual([])
    expect(renderTerminal(report)).not.toContain('Serve a login page')
  })
})

describe('a token endpoint that takes only unencoded Basic credentials', () => {
  it('exchanges the code the way the token stage got its token', async () => {
    // The id and secret hold characters RFC 6749 §2.3.1 form-encodes: only RFC 7617 Basic works.
    const clientId = 'bp:client'
    const clientSecret = 'bp-secret+/='
    const raw = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
    const challenges = new Map<string, string>()
    const server = await hostileServer((req, res, base) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        const url = new URL(req.url ?? '/', base)
        if (url.pathname === '/authorize') {
          const code = `code-${challenges.size + 1}`
          challenges.set(code, url.searchParams.get('code_challenge') ?? '')
          const state = url.searchParams.get('state') ?? ''
          res.writeHead(302, { location: `${REDIRECT_URI}?code=${code}&state=${state}` }).end()
        } else if (url.pathname === '/token') {
          if (req.headers.authorization !== raw)
            return sendJson(res, 401, { error: 'invalid_client' })
          const form = new URLSearchParams(body)
          if (form.get('grant_type') === 'authorization_code') {
            const verifier = form.get('code_verifier') ?? ''
            const hashed = createHash('sha256').update(verifier).digest('base64url')
            if (challenges.get(form.get('code') ?? '') !== hashed)
              return sendJson(res, 400, { error: 'invalid_grant' })
          }
          sendJson(res, 200, { access_token: 'opaque-token-value', token_type: 'Bearer' })
        } else
          sendJson(
            res,
            200,
            discoveryDocument(base, { code_challenge_methods_supported: ['S256'] }),
          )
      })
    })
    servers.push(server)
    const report = await check(server.base, {
      'client-id': clientId,
      'client-secret': clientSecret,
    })

    expect(finding(report, 'token.succeeded')?.message).toMatch(/accepted unencoded ones/)
    expect(finding(report, 'authorization.pkce-enforced')).toMatchObject({
      status: 'pass',
      message: 'A wrong code_verifier was refused with HTTP 400 invalid_grant.',
    })
    const exchanges = report.exchanges.filter((exchange) => exchange.stage === 'authorization')
    const codeExchange = exchanges.find(
      (exchange) => exchange.label.startsWith('Code exchange') && exchange.status === 200,
    )
    expect(codeExchange?.requestHeaders.authorization).toBe('Basic [REDACTED]')
  })
})
