import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { base64url, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'

import { ROUTES } from '../reference-server/openactive.js'
import type { Json } from '../reference-server/partner.js'
import {
  basic,
  ORDERS_FEED_REQUEST,
  Partner,
  post,
  rawBasic,
  see,
  statusAndHeaders,
  statuses,
  verifies,
} from '../reference-server/partner.js'
import {
  AUTHORIZATION_FAULT_NAMES,
  FAULTS,
  generateSigningKey,
  startReferenceServer,
} from '../reference-server/server.js'
import type { AuthorizationFault, Fault, ReferenceServer } from '../reference-server/server.js'

const OPEN_BOOKING = { ...ORDERS_FEED_REQUEST, scope: 'openactive-openbooking' }
const HTML = expect.stringMatching(/^text\/html/)
const PAGE_TYPE = 'application/vnd.openactive.booking+json; version=1'
const PLAIN = 'text/plain;charset=UTF-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const HTML_PAGE = expect.stringMatching(/^<!DOCTYPE html>/)
const SERVER_ERROR = { error: 'server_error' }
const TEXT = expect.any(String)
const has = expect.objectContaining
const answer = (status: number, type: unknown, body: unknown) => ({ status, type, body })
const epochSeconds = (): number => Math.floor(Date.now() / 1000)

describe('reference server', () => {
  let server: ReferenceServer
  let p: Partner

  beforeAll(async () => {
    server = await startReferenceServer()
    p = new Partner(server)
  })
  afterAll(() => server.close())

  it('serves discovery with OpenActive scopes and claims, also as RFC 8414 metadata', async () => {
    const discovery = await p.discovery()

    expect(discovery).toMatchObject({
      issuer: server.issuer,
      registration_endpoint: `${server.issuer}${ROUTES.registration}`,
      token_endpoint: `${server.issuer}${ROUTES.token}`,
      jwks_uri: `${server.issuer}${ROUTES.jwks}`,
      subject_types_supported: ['public'],
      grant_types_supported: expect.arrayContaining(['client_credentials']),
      scopes_supported: expect.arrayContaining(['openactive-ordersfeed', 'openactive-identity']),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: expect.arrayContaining(['https://openactive.io/clientId']),
    })
    expect((await p.see('/.well-known/oauth-authorization-server')).body).toEqual(discovery)
  })

  it('publishes exactly one RSA-2048 public signing key', async () => {
    const keys = await p.keys()

    expect(keys).toEqual([has({ kty: 'RSA', kid: TEXT, use: 'sig', alg: 'RS256' })])
    expect(Object.keys(keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use'])
    expect(base64url.decode(keys[0].n as string)).toHaveLength(256)
  })

  it('registers with the initial access token: 201, no-store, echoed metadata', async () => {
    const response = await p.register()

    expect([response.status, response.headers.get('cache-control')]).toEqual([201, 'no-store'])
    expect(await response.json()).toMatchObject({
      client_id: expect.stringMatching(/^[\w-]+$/),
      client_secret: expect.stringContaining('+/:=% '),
      client_secret_expires_at: 0,
      grant_types: ['client_credentials'],
      scope: 'openactive-ordersfeed',
    })
  })

  it('refuses registration with a wrong or missing initial access token', async () => {
    const wrong = await p.register(`Bearer ${server.initialAccessToken}x`)

    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/)
    expect((await p.register(null)).status).toBe(401)
  })

  it('issues a 15-minute RS256 at+jwt access token by Basic (RFC 6749) or post', async () => {
    const credentials = await p.client()
    const response = await p.token(basic(credentials))
    const body = (await response.json()) as Json
    const keys = createLocalJWKSet({ keys: await p.keys() })
    const checks = { issuer: server.issuer, audience: 'openbooking', typ: 'at+jwt' }
    const { payload } = await jwtVerify(body.access_token as string, keys, checks)

    expect([response.status, response.headers.get('cache-control')]).toEqual([200, 'no-store'])
    expect((await p.token(undefined, post(await p.client()))).status).toBe(200)
    expect(body).toEqual({
      access_token: TEXT,
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'openactive-ordersfeed',
    })
    expect(payload).toMatchObject({
      sub: credentials.clientId,
      client_id: credentials.clientId,
      'https://openactive.io/clientId': credentials.clientId,
      scope: 'openactive-ordersfeed',
      jti: TEXT,
      exp: (payload.iat ?? 0) + 900,
    })
  })

  it('refuses an unregistered scope, a wrong secret, a raw Basic header and GET', async () => {
    const credentials = await p.client()
    const scope = await see(p.token(basic(credentials), OPEN_BOOKING))
    const wrong = p.token(basic({ ...credentials, clientSecret: 'wrong' }))

    expect(scope).toMatchObject({ status: 400, body: { error: 'invalid_scope' } })
    const challenge = expect.stringMatching(/^Basic .*error="invalid_client"/)
    expect(await statusAndHeaders(wrong, 'www-authenticate')).toEqual([401, challenge])
    expect((await p.token(rawBasic(credentials))).status).toBe(400)
    expect((await p.get(ROUTES.token)).status).toBe(404)
  })

  it('serves the Orders feed, and its next page, to a token with the right scope', async () => {
    const token = await p.accessToken()

    const page = await see(p.feed(token))
    const next = await fetch((page.body as Json).next as string, {
      headers: { Authorization: `Bearer ${token}` },
    })

    expect(page).toEqual({
      status: 200,
      type: PAGE_TYPE,
      body: {
        items: [],
        next: `${server.ordersFeedUrl}?afterTimestamp=0&afterId=0`,
        license: 'https://openactive.io/open-data-licence',
      },
    })
    expect(next.status).toBe(200)
  })

  it('answers 401 without a token and for an invalid one, 403 without the scope', async () => {
    const token = await p.accessToken()
    const unscoped = await p.tokenBody({ grant_type: 'client_credentials' })

    const answers = [p.feed(), p.feed(`${token.slice(0, -4)}AAAA`)]
    const seen = await Promise.all(answers.map((a) => statusAndHeaders(a, 'www-authenticate')))

    expect(seen).toEqual([
      [401, 'Bearer'],
      [401, 'Bearer error="invalid_token"'],
    ])
    expect(await p.feedStatus(unscoped.access_token as string)).toBe(403)
  })

  it('refuses an unknown fault, and can be closed twice', async () => {
    const unknown = startReferenceServer({ faults: ['no-such-fault' as Fault] })
    await expect(unknown).rejects.toThrow('unknown fault: no-such-fault')

    const other = await startReferenceServer({ initialAccessToken: 'fixed' })
    expect(other.initialAccessToken).toBe('fixed')
    await other.close()
    await expect(other.close()).resolves.toBeUndefined()
  })
})

const PRIVATE_RSA = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((name) => [name, TEXT])

// One assertion per fault that it does what it says. A Record over Fault, so that a new fault
// does not type-check until it has a test here. The seller authorization's faults need a seller's
// login: the authorization matrix in faults.test.ts asserts them, through the checker's login.
type PartnerFault = Exclude<Fault, AuthorizationFault>
const PARTNER_FAULTS = FAULTS.filter(
  (fault): fault is PartnerFault => !AUTHORIZATION_FAULT_NAMES.includes(fault),
)
const FAULT_TESTS: Record<PartnerFault, (p: Partner) => Promise<void>> = {
  'issuer-mismatch': async (p) => expect((await p.discovery()).issuer).toBe(`${p.issuer}/other`),
  'issuer-trailing-slash': async (p) => expect((await p.discovery()).issuer).toBe(`${p.issuer}/`),
  'discovery-text-plain': async (p) =>
    expect(await p.see(ROUTES.discovery)).toEqual(answer(200, PLAIN, has({ issuer: p.issuer }))),
  'discovery-html-500': async (p) =>
    expect(await p.see(ROUTES.discovery)).toEqual(answer(500, HTML, HTML_PAGE)),
  'discovery-missing-metadata': async (p) =>
    expect(await p.discovery()).not.toHaveProperty('subject_types_supported'),
  'discovery-no-client-credentials': async (p) =>
    expect((await p.discovery()).grant_types_supported).not.toContain('client_credentials'),
  'discovery-missing-scopes': async (p) => {
    const scopes = (await p.discovery()).scopes_supported
    expect(scopes).toEqual(['openid', 'openactive-openbooking', 'offline_access'])
  },

  'foreign-signing-key': async (p) => {
    const [token, keys] = [await p.accessToken(), await p.keys()]
    const { kid } = decodeProtectedHeader(token)
    expect([keys.map((key) => key.kid), await verifies(token, keys)]).toEqual([[kid], false])
  },
  'jwks-500': async (p) =>
    expect(await p.see(ROUTES.jwks)).toMatchObject({ status: 500, body: SERVER_ERROR }),
  'jwks-private-key': async (p) =>
    expect(await p.keys()).toEqual([has(Object.fromEntries(PRIVATE_RSA))]),
  'jwks-symmetric-key': async (p) =>
    expect((await p.keys())[1]).toEqual({ kty: 'oct', k: TEXT, kid: 'hmac-1' }),
  'jwks-weak-rsa': async (p) => {
    const [signing, weak] = await p.keys()
    const bits = base64url.decode(weak.n as string).length * 8
    expect([weak.kid === signing.kid, weak.kty, bits]).toEqual([false, 'RSA', 1024])
  },
  'jwks-duplicate-kid': async (p) => {
    const [token, [foreign, real]] = [await p.accessToken(), await p.keys()]
    const { kid } = decodeProtectedHeader(token)
    const verified = [await verifies(token, [foreign]), await verifies(token, [real])]
    expect([foreign.kid, real.kid, ...verified]).toEqual([kid, kid, false, true])
  },
  'jwks-kid-missing': async (p) => {
    const kids = [(await p.keys())[0].kid, decodeProtectedHeader(await p.accessToken()).kid]
    expect(kids).toEqual([undefined, TEXT])
  },
  'token-kid-unknown': async (p) => {
    const [token, [key]] = [await p.accessToken(), await p.keys()]
    const verified = await verifies(token, [{ ...key, kid: 'rotated-away-key' }])
    expect([decodeProtectedHeader(token).kid, verified]).toEqual(['rotated-away-key', true])
  },

  'registration-open': async (p) =>
    expect(await statuses(p.register(null), p.register('Bearer wrong'))).toEqual([201, 201]),
  'registration-status-200': async (p) =>
    expect(await see(p.register())).toEqual(answer(200, JSON_TYPE, has({ client_secret: TEXT }))),
  'registration-no-secret': async (p) =>
    expect(await p.registered()).not.toHaveProperty('client_secret'),
  'registration-no-secret-expiry': async (p) =>
    expect(await p.registered()).not.toHaveProperty('client_secret_expires_at'),
  'registration-drops-metadata': async (p) => {
    const { grant_types, scope, client_id } = await p.registered()
    expect([grant_types, scope, client_id]).toEqual([undefined, undefined, TEXT])
  },
  'registration-no-cache-control': async (p) => {
    const seen = await statusAndHeaders(p.register(), 'cache-control', 'pragma')
    expect(seen).toEqual([201, null, null])
  },

  'token-expires-in-string': async (p) => expect((await p.tokenBody()).expires_in).toBe('900'),
  'token-scope-array': async (p) =>
    expect((await p.tokenBody()).scope).toEqual(['openactive-ordersfeed']),
  'token-type-missing': async (p) => {
    const members = Object.keys(await p.tokenBody()).sort()
    expect(members).toEqual(['access_token', 'expires_in', 'scope'])
  },
  'token-no-cache-control': async (p) => {
    const answer = p.token(basic(await p.client()))
    expect(await statusAndHeaders(answer, 'cache-control', 'pragma')).toEqual([200, null, null])
  },
  'token-refresh-token': async (p) => expect((await p.tokenBody()).refresh_token).toEqual(TEXT),
  'token-accepts-wrong-secret': async (p) => {
    const wrong = { ...(await p.client()), clientSecret: 'wrong' }
    const answers = statuses(p.token(basic(wrong)), p.token(undefined, post(wrong)))
    expect(await answers).toEqual([200, 200])
  },
  'token-grants-any-scope': async (p) => {
    const { scope, access_token } = await p.tokenBody(OPEN_BOOKING)
    const claim = decodeJwt(access_token as string).scope
    expect([scope, claim]).toEqual(['openactive-openbooking', 'openactive-openbooking'])
  },
  'token-200-error-body': async (p) => {
    const body = { error: 'invalid_client', error_description: TEXT }
    expect(await see(p.token(basic(await p.client())))).toEqual(answer(200, JSON_TYPE, body))
  },
  'token-basic-not-decoded': async (p) => {
    const credentials = await p.client()
    const { status, body } = await see(p.token(basic(credentials)))
    const others = statuses(p.token(rawBasic(credentials)), p.token(undefined, post(credentials)))
    const seen = [status, (body as Json).error, ...(await others)]
    expect(seen).toEqual([401, 'invalid_client', 200, 200])
  },
  'token-get-accepted': async (p) => {
    const init = { headers: { Authorization: basic(await p.client()) } }
    const query = new URLSearchParams(ORDERS_FEED_REQUEST as Record<string, string>)
    const answer = await see(p.get(`${ROUTES.token}?${query}`, init))
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer' } })
  },

  'access-token-alg-none': async (p) => {
    const token = await p.accessToken()
    const header = decodeProtectedHeader(token)
    expect([header, token.split('.')[2]]).toEqual([{ alg: 'none', typ: 'at+jwt' }, ''])
  },
  'access-token-hs256': async (p) => {
    const [token, [key]] = [await p.accessToken(), await p.keys()]
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
  },
  'access-token-expired': async (p) => {
    const { iat, nbf, exp } = await p.claims()
    const ago = (seconds: number) => expect.closeTo(epochSeconds() - seconds, -1)
    expect([iat, nbf, exp]).toEqual([ago(7200), ago(7200), ago(6300)])
  },
  'access-token-future-iat': async (p) => {
    const { iat, nbf, exp } = await p.claims()
    const future = expect.closeTo(epochSeconds() + 600, -1)
    expect([iat, nbf, exp]).toEqual([future, iat, (iat as number) + 900])
  },
  'access-token-no-aud': async (p) => {
    const token = await p.accessToken()
    expect([decodeJwt(token).aud, await p.feedStatus(token)]).toEqual([undefined, 200])
  },
  'access-token-missing-claims': async (p) => {
    const { sub, jti, client_id } = await p.claims()
    expect([sub, jti, client_id]).toEqual([undefined, undefined, TEXT])
  },
  'access-token-wrong-issuer': async (p) =>
    expect((await p.claims()).iss).toBe(`${p.issuer}/other-issuer`),
  'access-token-wrong-client-id': async (p) => {
    const claims = await p.claims()
    const ids = [claims.client_id, claims['https://openactive.io/clientId']]
    expect(ids).toEqual(['someone-else', 'someone-else'])
  },
  'access-token-scope-array': async (p) => {
    const token = await p.accessToken()
    const seen = [decodeJwt(token).scope, await p.feedStatus(token)]
    expect(seen).toEqual([['openactive-ordersfeed'], 200])
  },
  'access-token-typ-jwt': async (p) => {
    const [token, keys] = [await p.accessToken(), await p.keys()]
    expect([decodeProtectedHeader(token).typ, await verifies(token, keys)]).toEqual(['JWT', true])
  },
  'access-token-long-lived': async (p) => {
    const body = await p.tokenBody()
    const { iat, exp } = decodeJwt(body.access_token as string)
    expect([body.expires_in, (exp as number) - (iat as number)]).toEqual([3600, 3600])
  },
  'opaque-access-token': async (p) => {
    const token = await p.accessToken()
    const seen = [token, ...(await statuses(p.feed(token), p.feed(`${token}0`)))]
    expect(seen).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), 200, 401])
  },

  'orders-feed-open': async (p) => expect(await p.feedStatus()).toBe(200),
  'orders-feed-rejects-valid': async (p) =>
    expect(await p.feedStatus(await p.accessToken())).toBe(401),
  'orders-feed-accepts-tampered': async (p) => {
    const [header, payload] = (await p.accessToken()).split('.')
    const tampered = p.feed(`${header}.${payload}.forged`)
    expect(await statuses(tampered, p.feed())).toEqual([200, 401])
  },
  'orders-feed-login-redirect': async (p) => {
    const redirect = p.feed(await p.accessToken(), { redirect: 'manual' })
    const seen = [await statusAndHeaders(redirect, 'location'), await p.see('/login')]
    expect(seen).toEqual([[302, '/login'], has({ status: 200, type: HTML })])
  },
  'orders-feed-wrong-content-type': async (p) =>
    expect(await see(p.feed(await p.accessToken()))).toEqual(answer(200, 'text/html', has({}))),
  'orders-feed-no-www-authenticate': async (p) => {
    const answers = [p.feed(), p.feed('not-a-token')]
    const seen = answers.map((answer) => statusAndHeaders(answer, 'www-authenticate'))
    expect((await Promise.all(seen)).flat()).toEqual([401, null, 401, null])
  },
  'orders-feed-500': async (p) => {
    const seen = [await see(p.feed(await p.accessToken())), await p.feedStatus()]
    expect(seen).toEqual([has({ status: 500, type: HTML }), 401])
  },
}

describe('reference server faults', () => {
  // One RSA key for every fault's server: generating one per server would take most of the run.
  const signingKey = generateSigningKey()

  it.each(PARTNER_FAULTS)('%s does what it says', async (fault) => {
    const server = await startReferenceServer({ faults: [fault], signingKey: await signingKey })
    try {
      await FAULT_TESTS[fault](new Partner(server))
    } finally {
      await server.close()
    }
  })
})
