/**
 * The command-line tool end to end against the reference server on loopback: the verdict, the
 * failing check and its message, as a user sees them in the terminal and the JSON report.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/cli/main.js'
import type { Finding } from '../src/model.js'
import {
  type Fault,
  type ReferenceServer,
  startReferenceServer,
} from '../reference-server/server.js'

interface CliRun {
  code: number
  out: string
  err: string
  report?: {
    result: string
    checks: Finding[]
    exchanges: { stage: string; label: string; status: number | null }[]
  }
  json?: string
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const jsonFile = join(dir, `report-${Math.random().toString(36).slice(2)}.json`)
  let out = ''
  let err = ''
  const code = await main([...argv, '--json', jsonFile], env, {
    out: (text) => (out += text),
    err: (text) => (err += text),
  })
  const json = await readFile(jsonFile, 'utf8').catch(() => undefined)
  return { code, out, err, json, report: json ? JSON.parse(json) : undefined }
}

/** Starts a reference server, runs the CLI against it with registration and the feed, stops it. */
async function checkServer(
  faults: Fault[] = [],
  env: (server: ReferenceServer) => NodeJS.ProcessEnv = (server) => ({
    OPENACTIVE_INITIAL_ACCESS_TOKEN: server.initialAccessToken,
  }),
): Promise<CliRun & { server: ReferenceServer }> {
  const server = await startReferenceServer({ faults })
  try {
    const run = await runCli(
      [
        '--issuer',
        server.issuer,
        '--orders-feed-url',
        server.ordersFeedUrl,
        '--allow-insecure-http',
      ],
      env(server),
    )
    return { ...run, server }
  } finally {
    await server.close()
  }
}

function finding(run: CliRun, id: string): Finding {
  const found = run.report?.checks.find((check) => check.id === id)
  if (!found) throw new Error(`no finding ${id} in ${run.out}`)
  return found
}

const failing = (run: CliRun) =>
  run.report?.checks.filter((check) => check.status === 'fail').map((check) => check.id)

describe('against the reference server', () => {
  it('passes with registration, token, access token and Orders feed, with no failure or warning', async () => {
    const run = await checkServer()
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/^PASS: 0 failures, 0 warnings, \d+ passed, \d+ skipped, in /m)
    expect(run.report?.result).toBe('pass')
    expect(
      run.report?.checks.filter((check) => check.status === 'warn' || check.status === 'fail'),
    ).toEqual([])
    for (const id of [
      'registration.succeeded',
      'token.succeeded',
      'access-token.signature',
      'access-token.client-id',
      'orders-feed.authorized',
      'orders-feed.rejects-no-token',
    ]) {
      expect(finding(run, id).status).toBe('pass')
    }
    expect(run.report?.exchanges.map((exchange) => `${exchange.status} ${exchange.label}`)).toEqual(
      [
        '200 Discovery',
        '200 RFC 8414 authorization server metadata',
        '200 JWKS',
        '201 Dynamic Client Registration',
        '401 Registration without an initial access token',
        '401 Registration with a wrong initial access token',
        '200 Client Credentials grant (client_secret_basic)',
        '200 Client Credentials grant (client_secret_post)',
        '401 Client Credentials grant with a wrong secret',
        '404 GET on the token endpoint',
        '400 Client Credentials grant for openactive-openbooking',
        '200 Orders feed with the access token',
        '401 Orders feed without a token',
        '401 Orders feed with a tampered token',
        '401 Orders feed with an expired token',
        '200 Orders feed, next page',
        '204 Delete the registered client (RFC 7592)',
      ],
    )
    expect(run.json).not.toContain(run.server.initialAccessToken)
    expect(run.out).not.toContain(run.server.initialAccessToken)
  })

  it('uses given client credentials and reports registration as skipped', async () => {
    const server = await startReferenceServer()
    try {
      const { clientId, clientSecret } = await server.createClient()
      const run = await runCli(
        [
          '--issuer',
          server.issuer,
          '--orders-feed-url',
          server.ordersFeedUrl,
          '--allow-insecure-http',
          '--client-id',
          clientId,
        ],
        { OPENACTIVE_CLIENT_SECRET: clientSecret },
      )
      expect(run.code).toBe(0)
      expect(finding(run, 'registration.skipped')).toMatchObject({
        status: 'skip',
        message: 'Client credentials were given, so no client was registered.',
      })
      expect(finding(run, 'access-token.client-id').status).toBe('pass')
      expect(run.json).not.toContain(clientSecret)
      expect(run.out).not.toContain(clientSecret)
    } finally {
      await server.close()
    }
  })

  it('fails on an issuer mismatch, naming both issuers', async () => {
    const run = await checkServer(['issuer-mismatch'])
    expect(run.code).toBe(1)
    const issuer = finding(run, 'discovery.issuer-matches')
    expect(issuer.status).toBe('fail')
    expect(issuer.message).toBe(
      `issuer in the document is "${run.server.issuer}/other"; the configured issuer is "${run.server.issuer}". They differ in path (/ vs /other).`,
    )
    expect(run.out).toContain('✖ discovery.issuer-matches')
    expect(run.out).toMatch(/^FAIL: 1 failure/m)
    expect(failing(run)).toEqual(['discovery.issuer-matches'])
  })

  it('fails when the access token is signed by a key not in the JWKS', async () => {
    const run = await checkServer(['foreign-signing-key'])
    expect(run.code).toBe(1)
    const signature = finding(run, 'access-token.signature')
    expect(signature.status).toBe('fail')
    expect(signature.message).toMatch(
      /^The signature could not be verified: key \S+: the signature does not verify\. The token was signed with a key that jwks_uri does not publish/,
    )
    expect(failing(run)).toEqual(['access-token.signature'])
  })

  it('fails when the Orders feed answers 200 without a token', async () => {
    const run = await checkServer(['orders-feed-open'])
    expect(run.code).toBe(1)
    const open = finding(run, 'orders-feed.rejects-no-token')
    expect(open.status).toBe('fail')
    expect(open.message).toMatch(
      /^A request without a token got HTTP 200; body: .*expected 401 or 403\. Anyone can read the Orders feed\.$/,
    )
    // A feed that checks nothing takes a tampered or expired token as readily.
    expect(failing(run)).toEqual([
      'orders-feed.rejects-no-token',
      'orders-feed.rejects-tampered-token',
      'orders-feed.rejects-expired-token',
    ])
  })

  it('fails on a wrong initial access token and skips what depends on registration', async () => {
    const run = await checkServer([], () => ({
      OPENACTIVE_INITIAL_ACCESS_TOKEN: 'not-the-initial-access-token',
    }))
    expect(run.code).toBe(1)
    const registration = finding(run, 'registration.succeeded')
    expect(registration.status).toBe('fail')
    expect(registration.message).toMatch(/^Registration was refused: HTTP 401/)
    expect(finding(run, 'token.succeeded')).toMatchObject({
      status: 'skip',
      message: 'Skipped: there is no client to authenticate.',
    })
    expect(finding(run, 'access-token.signature').status).toBe('skip')
    expect(finding(run, 'orders-feed.authorized')).toMatchObject({
      status: 'skip',
      message: 'Skipped: there is no access token.',
    })
    expect(finding(run, 'orders-feed.rejects-no-token').status).toBe('pass')
    expect(failing(run)).toEqual(['registration.succeeded'])
    expect(run.json).not.toContain('not-the-initial-access-token')
    expect(run.out).not.toContain('not-the-initial-access-token')
  })

  it('fails with every stage reported when nothing listens at the issuer', async () => {
    const server = await startReferenceServer()
    const issuer = server.issuer
    await server.close()
    const run = await runCli(
      ['--issuer', issuer, '--allow-insecure-http', '--client-id', 'a-client'],
      { OPENACTIVE_CLIENT_SECRET: 'a-secret' },
    )
    expect(run.code).toBe(1)
    expect(finding(run, 'discovery.reachable').message).toMatch(
      /^Expected 200 from http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration; got no response \(connect ECONNREFUSED/,
    )
    expect(finding(run, 'jwks.reachable')).toMatchObject({
      status: 'skip',
      message: 'Skipped: discovery failed.',
    })
    expect(finding(run, 'orders-feed.authorized')).toMatchObject({
      status: 'skip',
      message: 'Skipped: no orders-feed-url was given.',
    })
  })
})

describe('bad usage', () => {
  it.each([
    [[], {}, '--issuer: required'],
    [
      ['--issuer', 'http://127.0.0.1:1'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--issuer: must use https; set --allow-insecure-http to check a loopback http server',
    ],
    [
      ['--issuer', 'http://example.test', '--allow-insecure-http'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--issuer: http is allowed on loopback only',
    ],
    [
      ['--issuer', 'https://a.test/?x=1'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--issuer: must not have a query or fragment',
    ],
    [
      ['--issuer', 'https://a.test'],
      {},
      '--initial-access-token: required unless --client-id and --client-secret are given',
    ],
    [
      ['--issuer', 'https://a.test', '--client-id', 'c'],
      {},
      '--client-secret: required with --client-id',
    ],
    [
      ['--issuer', 'https://a.test', '--request-timeout', '0'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--request-timeout: must be a number of seconds from 1 to 300',
    ],
    [
      ['--issuer', 'https://a.test', '--fail-on', 'never'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--fail-on: must be "failure" or "warning"',
    ],
    [
      ['--issuer', 'https://a.test', '--login-mode', 'browser'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--login-mode: needs --seller-username and --seller-password',
    ],
    [['--issuer', 'https://a.test', '--unknown'], {}, "Unknown option '--unknown'"],
    [
      ['--issuer', 'https://a.test', '--ca-certificate', join('no', 'such', 'ca.pem')],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      `--ca-certificate: cannot read ${join('no', 'such', 'ca.pem')}: ENOENT`,
    ],
    [
      ['--issuer', 'https://a.test', '--shard', '1/2'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--shard: only with --systems FILE',
    ],
    [
      ['--issuer', 'https://a.test', '--concurrency', '4'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      '--concurrency: only with --systems FILE',
    ],
  ] as [string[], NodeJS.ProcessEnv, string][])(
    '%j exits 2 naming the flag, then one line of help',
    async (argv, env, message) => {
      const run = await runCli(argv, env)
      expect(run.code).toBe(2)
      expect(run.err.startsWith(message)).toBe(true)
      expect(run.err.split('\n')).toEqual([
        expect.stringContaining(message),
        '',
        'Run with --help for usage.',
        '',
      ])
      expect(run.out).toBe('')
    },
  )

  it('keeps a value the user typed as it is while naming the flags', async () => {
    const run = await runCli(['--issuer', 'client-id and seller-id'], {
      OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x',
    })
    expect(run.code).toBe(2)
    expect(run.err).toBe(
      '--issuer: not a URL: "client-id and seller-id"\n\nRun with --help for usage.\n',
    )
  })

  it('shows the whole help, as an error, when run with no arguments at all', async () => {
    let out = ''
    let err = ''
    const code = await main([], {}, { out: (text) => (out += text), err: (text) => (err += text) })
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toMatch(/^Usage: openactive-auth-check --issuer URL \[options\]\n/)
    expect(err).toContain(
      'Exit status: 0 pass, 1 conformance failure, 2 bad usage, 3 internal error.',
    )
  })

  it('refuses a --json folder that does not exist with the message and one line of help', async () => {
    const missing = join(dir, 'no-such-folder', 'report.json')
    let err = ''
    const code = await main(
      ['--issuer', 'https://a.test', '--json', missing],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      { out: () => {}, err: (text) => (err += text) },
    )
    expect(code).toBe(2)
    expect(err).toBe(
      `--json: the folder of ${missing} does not exist\n\nRun with --help for usage.\n`,
    )
  })

  it('exits 3 with the stack, not as bad usage, when the check itself throws', async () => {
    let out = ''
    let err = ''
    const code = await main(
      ['--issuer', 'https://a.test'],
      { OPENACTIVE_INITIAL_ACCESS_TOKEN: 'x' },
      { out: (text) => (out += text), err: (text) => (err += text) },
      async () => {
        throw new TypeError('a bug in a stage')
      },
    )
    expect(code).toBe(3)
    expect(out).toBe('')
    expect(err).toMatch(/^Internal error: TypeError: a bug in a stage\n\s+at /)
  })

  it('never prints a secret given on the command line in a usage error', async () => {
    const run = await runCli(['--issuer', 'not a url'], {
      OPENACTIVE_INITIAL_ACCESS_TOKEN: 'iat-marker-123456',
    })
    expect(run.code).toBe(2)
    expect(run.err).toContain('--issuer: not a URL: "not a url"')
    expect(run.err).not.toContain('iat-marker-123456')
  })
})
