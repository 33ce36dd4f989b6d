import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import type { JSONWebKeySet } from 'jose'

import { FAULTS, startReferenceServer } from '../reference-server/server.js'
import type { Fault, ReferenceServer } from '../reference-server/server.js'

interface Discovery {
  issuer: string
  jwks_uri: string
  token_endpoint: string
  registration_endpoint: string
  scopes_supported: string[]
  claims_supported: string[]
  grant_types_supported: string[]
  token_endpoint_auth_methods_supported: string[]
}

interface Credentials {
  clientId: string
  clientSecret: string
}

// The body a booking partner sends to register for the Orders feed only.
const REGISTRATION = {
  client_name: 'Reference server test',
  grant_types: ['client_credentials'],
  response_types: [],
  scope: 'openactive-ordersfeed',
  token_endpoint_auth_method: 'client_secret_basic',
}

async function discover(server: ReferenceServer): Promise<Discovery> {
  const response = await fetch(`${server.issuer}/.well-known/openid-configuration`)
  return (await response.json()) as Discovery
}

function register(discovery: Discovery, initialAccessToken: string): Promise<Response> {
  return fetch(discovery.registration_endpoint, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${initialAccessToken}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(REGISTRATION),
  })
}

// RFC 6749 §2.3.1: form-urlencode the id and the secret, then base64 the pair.
function basicAuthorization({ clientId, clientSecret }: Credentials): string {
  const formEncode = (value: string): string =>
    new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`
}

function requestToken(
  discovery: Discovery,
  authorization: string,
  body = 'grant_type=client_credentials&scope=openactive-ordersfeed',
): Promise<Response> {
  return fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  })
}

async function accessToken(discovery: Discovery, credentials: Credentials): Promise<string> {
  const response = await requestToken(discovery, basicAuthorization(credentials))
  const { access_token } = (await response.json()) as { access_token: string }
  return access_token
}

function readFeed(server: ReferenceServer, token?: string): Promise<Response> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {}
  return fetch(server.ordersFeedUrl, { headers })
}

async function fetchJwks(discovery: Discovery): Promise<JSONWebKeySet> {
  return (await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet
}

describe('reference server', () => {
  let server: ReferenceServer
  let discovery: Discovery

  beforeAll(async () => {
    server = await startReferenceServer()
    discovery = await discover(server)
  })
  afterAll(() => server.close())

  it('serves discovery with the OpenActive scopes, claims and a registration endpoint', () => {
    expect(discovery.issuer).toBe(server.issuer)
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.ordersFeedUrl).toBe(`${server.issuer}/api/openbooking/orders-rpde`)
    expect(discovery.registration_endpoint).toMatch(new RegExp(`^${server.issuer}/`))
    expect(discovery.scopes_supported).toEqual(
      expect.arrayContaining([
        'openid',
        'openactive-openbooking',
        'openactive-ordersfeed',
        'openactive-identity',
        'offline_access',
      ]),
    )
    expect(discovery.claims_supported).toEqual(
      expect.arrayContaining(
        [
          'sellerId',
          'sellerName',
          'sellerUrl',
          'sellerLogo',
          'bookingServiceName',
          'bookingServiceUrl',
          'clientId',
        ].map((claim) => `https://openactive.io/${claim}`),
      ),
    )
    expect(discovery.grant_types_supported).toContain('client_credentials')
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    )
  })

  it('publishes only asymmetric keys in its JWKS', async () => {
    const { keys } = await fetchJwks(discovery)

    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' })
    expect(keys[0].kid).toEqual(expect.any(String))
    expect(keys[0]).not.toHaveProperty('d')
  })

  it('registers a client with the initial access token: 201 and an awkward secret', async () => {
    const response = await register(discovery, server.initialAccessToken)
    const body = (await response.json()) as Record<string, unknown>

    expect(response.status).toBe(201)
    expect(body).toMatchObject({
      client_id: expect.stringMatching(/^[\w-]+$/),
      client_secret: expect.any(String),
      client_secret_expires_at: 0,
      grant_types: ['client_credentials'],
      scope: 'openactive-ordersfeed',
    })
    for (const character of ['+', '/', ':', '=', '%', ' ']) {
      expect(body.client_secret).toContain(character)
    }
  })

  it('refuses registration with a wrong or missing initial access token', async () => {
    const wrong = await register(discovery, `${server.initialAccessToken}x`)
    const missing = await fetch(discovery.registration_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(REGISTRATION),
    })

    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/)
    expect(missing.status).toBe(401)
  })

  it('issues an RS256 at+jwt access token to RFC 6749 Basic client credentials', async () => {
    const registered = (await (await register(discovery, server.initialAccessToken)).json()) as {
      client_id: string
      client_secret: string
    }
    const credentials = { clientId: registered.client_id, clientSecret: registered.client_secret }

    const response = await requestToken(discovery, basicAuthorization(credentials))
    const body = (await response.json()) as Record<string, unknown>

    expect(response.status).toBe(200)
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'openactive-ordersfeed',
    })
    const token = body.access_token as string
    const jwks = createLocalJWKSet(await fetchJwks(discovery))
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: server.issuer,
      audience: 'openbooking',
      typ: 'at+jwt',
      algorithms: ['RS256'],
    })
    expect(protectedHeader.kid).toEqual(expect.any(String))
    expect(payload).toMatchObject({
      client_id: credentials.clientId,
      scope: 'openactive-ordersfeed',
      'https://openactive.io/clientId': credentials.clientId,
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: (payload.iat ?? 0) + 900,
    })
  })

  it('rejects the same secret sent raw in Basic, without form-urlencoding', async () => {
    const credentials = await server.createClient()
    const raw = `Basic ${btoa(`${credentials.clientId}:${credentials.clientSecret}`)}`

    const response = await requestToken(discovery, raw)

    expect(response.status).toBe(400)
  })

  it('accepts a client made with createClient, also by client_secret_post', async () => {
    const credentials = await server.createClient()
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'openactive-ordersfeed',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    })

    const response = await fetch(discovery.token_endpoint, { method: 'POST', body })

    expect(response.status).toBe(200)
    expect(credentials.clientSecret).toContain('+/:=% ')
  })

  it('serves the Orders feed to a token with the openactive-ordersfeed scope', async () => {
    const token = await accessToken(discovery, await server.createClient())

    const response = await readFeed(server, token)

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openactive.booking+json; version=1',
    )
    expect(await response.json()).toEqual({
      items: [],
      next: `${server.ordersFeedUrl}?afterTimestamp=0&afterId=0`,
      license: 'https://openactive.io/open-data-licence',
    })
  })

  it('answers 401 without a token and for an invalid one, 403 without the scope', async () => {
    const credentials = await server.createClient()
    const token = await accessToken(discovery, credentials)
    const unscoped = (await (
      await requestToken(
        discovery,
        basicAuthorization(credentials),
        'grant_type=client_credentials',
      )
    ).json()) as { access_token: string }

    const missing = await readFeed(server)
    const invalid = await readFeed(server, `${token.slice(0, -4)}AAAA`)
    const forbidden = await readFeed(server, unscoped.access_token)

    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    expect(invalid.status).toBe(401)
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect(forbidden.status).toBe(403)
  })

  it('refuses an unknown fault, and can be closed twice', async () => {
    await expect(startReferenceServer({ faults: ['no-such-fault' as Fault] })).rejects.toThrow(
      'unknown fault: no-such-fault',
    )

    const other = await startReferenceServer({ initialAccessToken: 'fixed' })
    expect(other.initialAccessToken).toBe('fixed')
    await other.close()
    await expect(other.close()).resolves.toBeUndefined()
  })
})

/** What a booking partner can observe of each switchable behaviour. */
interface Observation {
  discoveryIssuerMatches: boolean
  tokenVerifiesWithPublishedJwks: boolean
  feedWithTokenStatus: number
  feedWithoutTokenStatus: number
}

async function observe(server: ReferenceServer): Promise<Observation> {
  const discovery = await discover(server)
  const token = await accessToken(discovery, await server.createClient())
  const jwks = createLocalJWKSet(await fetchJwks(discovery))

  return {
    discoveryIssuerMatches: discovery.issuer === server.issuer,
    tokenVerifiesWithPublishedJwks: await jwtVerify(token, jwks).then(
      () => true,
      () => false,
    ),
    feedWithTokenStatus: (await readFeed(server, token)).status,
    feedWithoutTokenStatus: (await readFeed(server)).status,
  }
}

const HEALTHY: Observation = {
  discoveryIssuerMatches: true,
  tokenVerifiesWithPublishedJwks: true,
  feedWithTokenStatus: 200,
  feedWithoutTokenStatus: 401,
}

// A Record over Fault, so a new fault does not type-check until its effect is stated here.
const EFFECT: Record<Fault, Partial<Observation>> = {
  'issuer-mismatch': { discoveryIssuerMatches: false },
  'foreign-signing-key': { tokenVerifiesWithPublishedJwks: false },
  'orders-feed-open': { feedWithoutTokenStatus: 200 },
}

describe('reference server faults', () => {
  it('behaves correctly with no fault', async () => {
    const server = await startReferenceServer({ faults: [] })
    try {
      expect(await observe(server)).toEqual(HEALTHY)
    } finally {
      await server.close()
    }
  })

  it.each(FAULTS)('%s changes exactly what it names', async (fault) => {
    const server = await startReferenceServer({ faults: [fault] })
    try {
      expect(await observe(server)).toEqual({ ...HEALTHY, ...EFFECT[fault] })
    } finally {
      await server.close()
    }
  })

  it('issuer-mismatch appends /other to the discovery issuer', async () => {
    const server = await startReferenceServer({ faults: ['issuer-mismatch'] })
    try {
      expect((await discover(server)).issuer).toBe(`${server.issuer}/other`)
    } finally {
      await server.close()
    }
  })

  it('foreign-signing-key publishes a different RSA key under the signing kid', async () => {
    const server = await startReferenceServer({ faults: ['foreign-signing-key'] })
    try {
      const discovery = await discover(server)
      const token = await accessToken(discovery, await server.createClient())
      const { keys } = await fetchJwks(discovery)

      expect(keys).toHaveLength(1)
      expect(keys[0]).toMatchObject({ kty: 'RSA', kid: decodeProtectedHeader(token).kid })
      await expect(jwtVerify(token, createLocalJWKSet({ keys }))).rejects.toMatchObject({
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      })
    } finally {
      await server.close()
    }
  })
})
