/**
 * Servers that misbehave on purpose, on loopback: each run must end within its bound, with the
 * right verdict and a message that says what happened.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { gzipSync } from 'node:zlib'
import { decodeJwt } from '../src/checks/access-token.js'
import { parseConfig, type RawInputs } from '../src/config.js'
import type { Report } from '../src/report/model.js'
import { runCheck } from '../src/run.js'
import {
  discoveryDocument,
  HAS_OPENSSL,
  hostileServer,
  type HostileServer,
  makeCertificates,
  sendJson,
} from './helpers/hostile.js'

const servers: HostileServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(...args: Parameters<typeof hostileServer>): Promise<HostileServer> {
  const server = await hostileServer(...args)
  servers.push(server)
  return server
}

/** Runs the check with stored client credentials; returns the report and the elapsed time. */
async function check(
  issuer: string,
  inputs: RawInputs = {},
): Promise<{ report: Report; ms: number }> {
  const config = parseConfig({
    issuer,
    'client-id': 'bp-client',
    'client-secret': 'bp-secret+/:=% value',
    'allow-insecure-http': 'true',
    'request-timeout': '1',
    ...inputs,
  })
  const started = performance.now()
  const report = await runCheck(config)
  return { report, ms: performance.now() - started }
}

const finding = (report: Report, id: string) => report.checks.find((check) => check.id === id)

describe('bounded time', () => {
  it('ends a server that accepts the connection and never answers within the request timeout', async () => {
    const server = await serve(() => {})
    const { report, ms } = await check(server.base)
    expect(report.result).toBe('fail')
    expect(finding(report, 'discovery.reachable')?.message).toContain(
      'got no response (no response within the request timeout (ETIMEDOUT))',
    )
    expect(ms).toBeLessThan(3000)
  })

  it('ends a server that drips its body byte by byte', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const timer = setInterval(() => res.write(' '), 100)
      res.on('close', () => clearInterval(timer))
    })
    const { report, ms } = await check(server.base)
    expect(finding(report, 'discovery.reachable')?.message).toContain(
      'no response within the request timeout',
    )
    expect(ms).toBeLessThan(3000)
  })

  it('spends no more than the run budget, and says which requests were not sent', async () => {
    const server = await serve(() => {})
    const { report, ms } = await check(server.base, {
      'request-timeout': '20',
      'run-timeout': '1',
      'orders-feed-url': `${server.base}/feed`,
    })
    expect(finding(report, 'discovery.reachable')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'no response before the run’s time budget (run-timeout) ran out (ETIMEDOUT)',
      ),
    })
    expect(finding(report, 'orders-feed.rejects-no-token')?.message).toContain(
      'the run’s time budget was spent; the request was not sent',
    )
    expect(ms).toBeLessThan(2500)
  })
})

describe('response limits', () => {
  it('cuts a huge body and says so', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(Buffer.alloc(5 * 1024 * 1024, 0x20))
    })
    const { report, ms } = await check(server.base)
    expect(finding(report, 'discovery.reachable')?.message).toContain(
      'the response exceeded 1024 KiB and was cut',
    )
    expect(ms).toBeLessThan(3000)
  })

  it('stops a gzip bomb at the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(bomb)
    })
    const { report } = await check(server.base)
    expect(bomb.length).toBeLessThan(1024 * 1024)
    expect(finding(report, 'discovery.reachable')?.message).toContain(
      'the gzip body decompresses to more than 1024 KiB',
    )
  })
})

describe('redirects', () => {
  it('does not follow a redirect loop, and reports the redirect', async () => {
    const server = await serve((req, res) => {
      res.writeHead(302, { location: req.url ?? '/' })
      res.end()
    })
    const { report, ms } = await check(server.base)
    expect(finding(report, 'discovery.reachable')?.message).toMatch(
      /got HTTP 302 redirecting to \/\.well-known\/openid-configuration/,
    )
    expect(server.seen).toEqual(['GET /.well-known/openid-configuration'])
    expect(ms).toBeLessThan(1000)
  })
})

describe('retries', () => {
  it('retries a 503 after its Retry-After, and records the retry', async () => {
    let calls = 0
    const server = await serve((req, res, base) => {
      if (req.url === '/.well-known/openid-configuration' && calls++ === 0) {
        sendJson(res, 503, { error: 'busy' }, { 'retry-after': '1' })
      } else sendJson(res, 200, discoveryDocument(base))
    })
    const { report, ms } = await check(server.base)
    expect(finding(report, 'discovery.reachable')?.status).toBe('pass')
    expect(report.exchanges[0].retries).toEqual([{ reason: 'HTTP 503', delayMs: 1000 }])
    expect(ms).toBeGreaterThanOrEqual(1000)
  })

  it('never retries a conformance answer such as 401', async () => {
    const server = await serve((req, res, base) => {
      if (req.url === '/token') sendJson(res, 401, { error: 'invalid_client' })
      else sendJson(res, 200, discoveryDocument(base))
    })
    const { report } = await check(server.base)
    expect(report.exchanges.filter((e) => e.stage === 'token').map((e) => e.label)).toEqual([
      'Client Credentials grant (client_secret_basic)',
      'Client Credentials grant with a wrong secret',
      'GET on the token endpoint',
      'Client Credentials grant (unencoded Basic credentials, for diagnosis)',
    ])
    expect(report.exchanges.every((exchange) => exchange.retries === undefined)).toBe(true)
  })
})

describe('TLS', () => {
  const maybe = HAS_OPENSSL ? it : it.skip

  maybe(
    'names the host and reason for an unknown CA, and trusts it given ca-certificate',
    async () => {
      const { ca, key, cert } = makeCertificates()
      const server = await serve((_, res, base) => sendJson(res, 200, discoveryDocument(base)), {
        tls: { key, cert },
      })
      const unknown = await check(server.base)
      expect(finding(unknown.report, 'discovery.reachable')?.message).toContain(
        `TLS: the certificate of ${new URL(server.base).host} is not trusted`,
      )
      const trusted = await check(server.base, { 'ca-certificate': ca })
      expect(finding(trusted.report, 'discovery.reachable')?.status).toBe('pass')
    },
  )
})

describe('endpoints on another origin', () => {
  it('calls an endpoint on another loopback origin and reports the origin', async () => {
    const other = await serve((_, res) => sendJson(res, 200, { keys: [] }), { host: '127.0.0.2' })
    const server = await serve((_, res, base) =>
      sendJson(res, 200, discoveryDocument(base, { jwks_uri: `${other.base}/jwks` })),
    )
    const { report } = await check(server.base)
    expect(other.seen).toEqual(['GET /jwks'])
    expect(finding(report, 'discovery.endpoint-origins')?.message).toContain(
      `jwks_uri on ${other.base}`,
    )
    expect(finding(report, 'discovery.endpoint-addresses')?.message).toBe(
      'Not applicable: the issuer is on an internal network itself.',
    )
  })
})

describe('secret hygiene', () => {
  it('reports a client secret echoed in an error body, and redacts it', async () => {
    const server = await serve((req, res, base) => {
      if (req.url === '/token')
        sendJson(res, 401, {
          error: 'invalid_client',
          error_description: 'secret bp-secret+/:=% value is wrong',
        })
      else sendJson(res, 200, discoveryDocument(base))
    })
    const { report } = await check(server.base)
    expect(finding(report, 'token.no-secret-echo')).toMatchObject({ status: 'warn' })
    expect(JSON.stringify(report)).not.toContain('bp-secret+/:=% value')
  })

  it('says a registered client remains when the server offers no RFC 7592 management', async () => {
    const server = await serve((req, res, base) => {
      if (req.url === '/register' && req.headers.authorization === 'Bearer the-iat') {
        sendJson(res, 201, { client_id: 'kept-client', client_secret: 'kept-secret-123' })
      } else if (req.url === '/register') sendJson(res, 401, { error: 'invalid_token' })
      else sendJson(res, 200, discoveryDocument(base))
    })
    const config = parseConfig({
      issuer: server.base,
      'initial-access-token': 'the-iat',
      'allow-insecure-http': 'true',
      'request-timeout': '1',
    })
    const report = await runCheck(config)
    expect(finding(report, 'registration.client-deleted')?.message).toBe(
      'client kept-client remains registered: the server returned no registration_client_uri and registration_access_token (RFC 7592).',
    )
  })
})

describe('the critical path', () => {
  it('reads the Orders feed while a negative probe is still unanswered', async () => {
    // The wrong-secret probe is answered only once the feed has been read: were the feed to
    // wait for the probes, the probe would time out instead.
    let feedRead: () => void
    const feedWasRead = new Promise<void>((resolve) => (feedRead = resolve))
    const good = `Basic ${Buffer.from('bp-client:bp-secret%2B%2F%3A%3D%25+value').toString('base64')}`
    const server = await serve((req, res, base) => {
      if (req.url === '/token' && req.method === 'POST') {
        if (req.headers.authorization === good)
          sendJson(res, 200, { access_token: 'opaque-feed-token', token_type: 'Bearer' })
        else void feedWasRead.then(() => sendJson(res, 401, { error: 'invalid_client' }))
      } else if (req.url === '/feed') {
        if (req.headers.authorization !== 'Bearer opaque-feed-token')
          return sendJson(res, 401, {}, { 'www-authenticate': 'Bearer' })
        sendJson(res, 200, { items: [], next: `${base}/feed` })
        feedRead()
      } else sendJson(res, 200, discoveryDocument(base))
    })
    const { report } = await check(server.base, {
      'orders-feed-url': `${server.base}/feed`,
      'request-timeout': '5',
    })
    expect(finding(report, 'orders-feed.authorized')?.status).toBe('pass')
    expect(finding(report, 'token.rejects-wrong-secret')).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('401'),
    })
  })
})

describe('a bug of ours in a probe judged while the next stage runs', () => {
  it('is the run’s error, not an unhandled rejection that ends the process', async () => {
    const jwt = (scope: string) =>
      `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ scope })).toString('base64url')}.c2ln`
    // The RFC 8414 document, judged last of discovery, comes late: the token stage's probes
    // are done before it.
    const server = await serve((req, res, base) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        if (req.url === '/.well-known/oauth-authorization-server')
          setTimeout(() => sendJson(res, 404, {}), 500)
        else if (req.url === '/token') {
          const scope = new URLSearchParams(body).get('scope') ?? ''
          sendJson(res, 200, { access_token: jwt(scope), token_type: 'Bearer' })
        } else sendJson(res, 200, discoveryDocument(base))
      })
    })
    const unhandled: unknown[] = []
    const listener = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', listener)
    try {
      // Told about the token the escalation probe got: a later finding of the token stage.
      const onSecret = (value: string) => {
        if (String(decodeJwt(value)?.claims.scope ?? '').includes('openactive-openbooking'))
          throw new Error('a bug of ours')
      }
      const config = parseConfig({
        issuer: server.base,
        'client-id': 'bp-client',
        'client-secret': 'bp-secret',
        'allow-insecure-http': 'true',
      })
      await expect(runCheck(config, { onSecret })).rejects.toThrow('a bug of ours')
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', listener)
    }
  })
})
