/**
 * What a hostile or careless server, or a careless user, must not get past: each test is a
 * defect once found, kept so it stays fixed. No network: checks and renderers are pure.
 */
import { describe, expect, it } from '@jest/globals'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { tmpdir } from 'node:os'
import { checkAccessToken, inspectToken } from '../src/checks/access-token.js'
import { checkDiscovery } from '../src/checks/discovery.js'
import type { JsonObject } from '../src/checks/response.js'
import { checkTokenResponse } from '../src/checks/token.js'
import { main } from '../src/cli/main.js'
import { InputError, isLoopbackHost, parseConfig } from '../src/config.js'
import type { Exchange } from '../src/model.js'
import { buildReport } from '../src/report/model.js'
import { renderSummary } from '../src/report/summary.js'
import { renderTerminal } from '../src/report/terminal.js'
import { echoes, Secrets } from '../src/secrets.js'
import { findingOf } from './helpers/cases.js'

const ISSUER = 'https://auth.booking-system.example'

function exchange(body: string, status = 200, contentType = 'application/json'): Exchange {
  return {
    stage: 'discovery',
    label: 'Recorded',
    method: 'GET',
    url: `${ISSUER}/.well-known/openid-configuration`,
    requestHeaders: {},
    status,
    responseHeaders: { 'content-type': contentType },
    responseBody: body,
    startedAt: 0,
    durationMs: 1,
  }
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

describe('secrets', () => {
  const secret = 'q8+Zk/3v:Lm=Pw%7r~x!'
  const secrets = new Secrets()
  secrets.add(secret)

  it.each([
    ['as sent', secret],
    ['JSON-escaped by .NET', 'q8\\u002BZk/3v:Lm=Pw%7r~x!'],
    ['with "/" escaped by PHP', 'q8+Zk\\/3v:Lm=Pw%7r~x!'],
    ['form-urlencoded', 'q8%2BZk%2F3v%3ALm%3DPw%257r%7Ex%21'],
    ['in base64', Buffer.from(secret).toString('base64')],
    ['with "=" escaped by Gson', 'q8+Zk/3v:Lm\\u003dPw%7r~x!'],
    [
      'with every character JSON-escaped',
      [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    ],
    ['as HTML character references', 'q8&#43;Zk&#x2f;3v:Lm&#61;Pw%7r~x&#33;'],
    ['percent-encoded in lower case', 'q8%2bZk%2f3v%3aLm%3dPw%257r~x%21'],
  ])('are redacted %s', (_, spelling) => {
    expect(secrets.redact(`the secret ${spelling} is wrong`)).toBe('the secret [REDACTED] is wrong')
  })

  it('are redacted however an excerpt collapses their white space', () => {
    const spaced = new Secrets()
    spaced.add('pass  word\tsecret-123')
    expect(spaced.redact('unknown secret pass word secret-123.')).toBe('unknown secret [REDACTED].')
    expect(spaced.redact('client_secret=pass++word%09secret-123')).toBe('client_secret=[REDACTED]')
  })

  it('are redacted with non-ASCII characters escaped as Python does', () => {
    const accented = new Secrets()
    accented.add('sécret-pässwörd-123456')
    expect(accented.redact('{"e":"s\\u00e9cret-p\\u00e4ssw\\u00f6rd-123456"}')).toBe(
      '{"e":"[REDACTED]"}',
    )
  })

  it('are redacted to the end of a percent-encoded run they end in', () => {
    const german = new Secrets()
    german.add('Geheimnis-2024-äöüß')
    const echoed = `message=%22${encodeURIComponent('Geheimnis-2024-äöüß').replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}%22`
    expect(german.redact(echoed)).toMatch(/^message=%22\[REDACTED\](%22)?$/)
    expect(german.redact(`message=${encodeURIComponent('"Geheimnis-2024-äöüß"')}`)).toMatch(
      /^message=%22\[REDACTED\](%22)?$/,
    )
  })

  it('are redacted form-encoded with a "+" for a space, and in base64url', () => {
    const spaced = new Secrets()
    spaced.add('my secret/1')
    expect(spaced.redact('client_secret=my+secret%2f1&x=1')).toBe('client_secret=[REDACTED]&x=1')
    const plain = new Secrets()
    plain.add('client-secret-?>?~~~-0123456789')
    const url = Buffer.from('client-secret-?>?~~~-0123456789').toString('base64url')
    expect(plain.redact(`token=${url}`)).toBe('token=[REDACTED]')
  })

  it('are taken from a server even when it sends a lone surrogate', () => {
    const odd = new Secrets()
    expect(() => odd.add('secret-\ud800-value')).not.toThrow()
    expect(odd.redact('{"client_secret":"secret-\\ud800-value"}')).toBe(
      '{"client_secret":"[REDACTED]"}',
    )
  })

  it('are redacted where a server read their "+" as spaces', () => {
    const plus = new Secrets()
    plus.add('K7gNU3sdo+OL0wNhqo/pe+Unols=')
    expect(plus.redact('unknown secret K7gNU3sdo OL0wNhqo/pe Unols=')).toBe(
      'unknown secret [REDACTED]',
    )
  })

  it('leave identifiers alone that hold a short secret as one of their parts', () => {
    const common = new Secrets()
    for (const word of ['secret', 'token', 'openid']) common.add(word)
    const text = 'client_secret_basic, access_token, /.well-known/openid-configuration'
    expect(common.redact(text)).toBe(text)
    expect(common.redact('client_secret=secret&x=1')).toBe('client_secret=[REDACTED]&x=1')
  })

  it('are found only as whole words when short, so a word containing one is left alone', () => {
    const short = new Secrets()
    short.add('tok')
    expect(short.redact('The initial access token sent: tok.')).toBe(
      'The initial access token sent: [REDACTED].',
    )
    expect(echoes('{"error":"invalid_token"}', 'tok')).toBe(false)
    expect(echoes('{"error":"unknown token tok"}', 'tok')).toBe(true)
  })

  it('are redacted where a message cut them short', () => {
    expect(secrets.redact('body: {"secret":"q8+Zk/3v:L…')).toBe('body: {"secret":"[REDACTED]…')
  })

  it('tell every spelling to the log masker', () => {
    const masked: string[] = []
    new Secrets((value) => masked.push(value)).add('abc+def/ghi')
    expect(masked).toContain('abc+def/ghi')
    expect(masked).toContain('abc%2Bdef%2Fghi')
  })
})

describe('the summary of a server that escapes or echoes a secret', () => {
  it('shows no secret, whether a body escapes it as Gson does or a header is named after it', () => {
    const clientSecret = 'Zm9vYmFyYmF6cXV4cXV1eA=='
    const secrets = new Secrets()
    secrets.add(clientSecret)
    const gson = `{"client_id":"c","client_secret":"${clientSecret.replace(/=/g, '\\u003d')}"}`
    const recorded = exchange(gson, 201)
    recorded.responseHeaders[`x-echo-${clientSecret}`] = '1'
    const report = buildReport({
      config: parseConfig({ issuer: ISSUER, 'client-id': 'c', 'client-secret': clientSecret }),
      findings: [],
      exchanges: [recorded],
      timings: {},
      startedAt: new Date(0),
      durationMs: 1,
      secrets,
    })
    const summary = renderSummary(report)
    expect(summary).toContain('[REDACTED]')
    expect(summary).not.toContain(clientSecret)
    expect(summary).not.toContain(clientSecret.slice(0, -2))
  })
})

describe('deeply nested JSON', () => {
  it('is reported, not a crash, in checks and the summary', () => {
    const body = `{"issuer":${nested(6000)}}`
    const { findings } = checkDiscovery(exchange(body), {
      issuer: ISSUER,
      registering: false,
      allowInsecureHttp: false,
    })
    expect(findingOf(findings, 'discovery.issuer-matches').message).toContain(
      'nested too deeply to show',
    )
    const report = buildReport({
      config: parseConfig({ issuer: ISSUER, 'client-id': 'c', 'client-secret': 's3cret' }),
      findings,
      exchanges: [exchange(body)],
      timings: {},
      startedAt: new Date(0),
      durationMs: 1,
      secrets: new Secrets(),
    })
    expect(renderSummary(report)).toContain('nested too deeply to show')
  })
})

describe('telling a JWT from an opaque token', () => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

  it.each([
    ['an unsigned JWT', `${part({ alg: 'none' })}.${part({ iss: ISSUER })}.`, 'jwt'],
    ['a JWT with padded base64', `${part({ alg: 'RS256' })}=.${part({ a: 1 })}.c2ln`, 'malformed'],
    ['a JWT whose claims are an array', `${part({ alg: 'RS256' })}.${part([1])}.c2ln`, 'malformed'],
    ['a JWT whose header is not JSON', `eyJub3Qgam.${part({ a: 1 })}.c2ln`, 'malformed'],
    ['a reference token with dots', 'ref.8f3a.c1d9e0', 'opaque'],
  ])('%s', (_, token, kind) => {
    expect(inspectToken(token).kind).toBe(kind)
  })

  it('fails an unsigned JWT instead of passing it as opaque', async () => {
    const token = `${part({ alg: 'none', typ: 'at+jwt' })}.${part({ iss: ISSUER })}.`
    const findings = await checkAccessToken(token, {
      issuer: ISSUER,
      clientId: 'c',
      scope: 'openactive-ordersfeed',
      jwks: { keys: [] },
      now: Date.now(),
    })
    expect(findingOf(findings, 'access-token.signature')).toMatchObject({
      status: 'fail',
      message: 'The token cannot be verified: alg is "none": the token is not signed at all.',
    })
  })
})

describe('clock skew', () => {
  it('shows the server’s Date header against our clock', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const now = Date.UTC(2026, 11, 3, 12)
    const iat = now / 1000 + 600
    const token = await new SignJWT({ client_id: 'c', scope: 'openactive-ordersfeed' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 900)
      .sign(privateKey)
    const findings = await checkAccessToken(token, {
      issuer: ISSUER,
      clientId: 'c',
      scope: 'openactive-ordersfeed',
      jwks: { keys: [{ ...((await exportJWK(publicKey)) as JsonObject), kid: 'k1' }] },
      now,
      serverDate: 'Thu, 03 Dec 2026 12:10:00 GMT',
    })
    expect(findingOf(findings, 'access-token.time')).toMatchObject({
      status: 'fail',
      message:
        'Not valid now: iat 2026-12-03T12:10:00.000Z is 600 s in the future (leeway 60 s). The server’s Date header said Thu, 03 Dec 2026 12:10:00 GMT; our clock said Thu, 03 Dec 2026 12:00:00 GMT.',
    })
  })
})

describe('the terminal report', () => {
  it('lets no terminal escape sequence from the server through', () => {
    const body = '\u001b[2K\u001b[1A\u001b[32mPASS: 0 failures\u001b[8m'
    const { findings } = checkDiscovery(exchange(body, 500), {
      issuer: ISSUER,
      registering: false,
      allowInsecureHttp: false,
    })
    const report = buildReport({
      config: parseConfig({ issuer: ISSUER, 'client-id': 'c', 'client-secret': 's3cret' }),
      findings,
      exchanges: [],
      timings: {},
      startedAt: new Date(0),
      durationMs: 1,
      secrets: new Secrets(),
    })
    const text = renderTerminal(report)
    expect(text).not.toContain('\u001b')
    expect(text).toContain('\\u001b[32mPASS')
  })
})

describe('the token response', () => {
  it('refuses an access token that cannot be sent as a Bearer token', () => {
    const response = exchange('{"access_token":"abc\\r\\nX-Evil: 1","token_type":"Bearer"}')
    const { findings, accessToken } = checkTokenResponse(response, 'openactive-ordersfeed')
    expect(accessToken).toBeUndefined()
    expect(findingOf(findings, 'token.succeeded').message).toContain('RFC 6750 §2.1 b64token')
  })

  it('does not print an access_token that is an object', () => {
    const response = exchange('{"access_token":{"jwt":"eyJSECRET"},"token_type":"Bearer"}')
    const { findings } = checkTokenResponse(response, 'openactive-ordersfeed')
    expect(findingOf(findings, 'token.succeeded').message).toBe(
      'access_token is a JSON object, not a string (RFC 6749 §5.1).',
    )
  })
})

describe('inputs', () => {
  it('takes only plain decimal timeouts', () => {
    for (const text of ['0x10', '1e2', 'abc']) {
      expect(() =>
        parseConfig({ issuer: ISSUER, 'initial-access-token': 't', 'request-timeout': text }),
      ).toThrow(InputError)
    }
  })

  it('counts only names that cannot go to DNS as loopback', () => {
    expect(isLoopbackHost('localhost')).toBe(true)
    expect(isLoopbackHost('127.0.0.2')).toBe(true)
    expect(isLoopbackHost('[::1]')).toBe(true)
    expect(isLoopbackHost('evil.localhost')).toBe(false)
    expect(isLoopbackHost('10.0.0.1')).toBe(false)
  })

  it('refuses an unwritable --json before checking anything', async () => {
    let err = ''
    const code = await main(
      ['--issuer', ISSUER, '--json', tmpdir()],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'iat' },
      { out: () => {}, err: (text) => (err += text) },
    )
    expect(code).toBe(2)
    expect(err).toContain(`--json: ${tmpdir()} is a directory`)
  })

  it('does not echo a stray argument, which may be a secret', async () => {
    let err = ''
    const code = await main(
      ['--issuer', ISSUER, '--client-id', 'cid', 'MY-SUPER-SECRET-VALUE'],
      {},
      { out: () => {}, err: (text) => (err += text) },
    )
    expect(code).toBe(2)
    expect(err).toContain('Unexpected argument: every value must follow its flag')
    expect(err).not.toContain('MY-SUPER-SECRET-VALUE')
  })
})
