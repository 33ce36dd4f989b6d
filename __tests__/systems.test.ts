/** The CLI checking several booking systems from one file, as a monitor or a matrix job does. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/cli/main.js'
import { type Check, shardOf } from '../src/cli/systems.js'
import { runCheck } from '../src/run.js'
import {
  generateSigningKey,
  type ReferenceServer,
  startReferenceServer,
} from '../reference-server/server.js'

let dir: string
let servers: ReferenceServer[]
const env: NodeJS.ProcessEnv = {}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'systems-'))
  const signingKey = await generateSigningKey()
  servers = await Promise.all([
    startReferenceServer({ signingKey }),
    startReferenceServer({ signingKey, faults: ['orders-feed-open'] }),
    startReferenceServer({ signingKey }),
  ])
  servers.forEach((server, index) => (env[`IAT_${index}`] = server.initialAccessToken))
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await rm(dir, { recursive: true, force: true })
})

/** Runs the CLI on a systems file: `entries` as JSON, or a string as the file's very text. */
async function run(entries: unknown, args: string[] = [], check?: Check) {
  const file = join(dir, `systems-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, typeof entries === 'string' ? entries : JSON.stringify(entries))
  let out = ''
  let err = ''
  const json = join(dir, 'report.json')
  const code = await main(
    ['--systems', file, '--json', json, ...args],
    env,
    { out: (text) => (out += text), err: (text) => (err += text) },
    check,
  )
  const report = code === 2 ? undefined : JSON.parse(await readFile(json, 'utf8'))
  return { code, out, err, report, file }
}

const entry = (server: ReferenceServer, index: number) => ({
  name: `system ${String.fromCharCode(65 + index)}`,
  issuer: server.issuer,
  'orders-feed-url': server.ordersFeedUrl,
  'allow-insecure-http': true,
  'initial-access-token-env': `IAT_${index}`,
})

describe('--systems', () => {
  it('checks each system, one line each, and fails when any fails', async () => {
    const { code, out, report } = await run(servers.map(entry), ['--concurrency', '2'])
    expect(code).toBe(1)
    expect(out).toContain(`✔ system A (${servers[0].issuer}): 0 failures, 0 warnings`)
    expect(out).toContain(
      `✖ system B (${servers[1].issuer}): 3 failures, 0 warnings — orders-feed.rejects-no-token, orders-feed.rejects-tampered-token, orders-feed.rejects-expired-token`,
    )
    expect(out).toContain('FAIL: 1 of 3 systems failed')
    expect(report.systems.map((system: { result: string }) => system.result)).toEqual([
      'pass',
      'fail',
      'pass',
    ])
    expect(JSON.stringify(report)).not.toContain(servers[0].initialAccessToken)
  })

  it('checks only its shard', async () => {
    const { code, out } = await run(servers.map(entry), ['--shard', '1/2'])
    expect(code).toBe(0)
    expect(out).toContain('PASS: 0 of 2 systems failed')
    expect(shardOf(['a', 'b', 'c', 'd', 'e'], '2/2')).toEqual(['b', 'd'])
  })

  it('reads a file that starts with a byte order mark, and prints names harmlessly', async () => {
    const named = { ...entry(servers[0], 0), name: 'evil\u001b[2J\nname' }
    const { code, out } = await run(`\uFEFF${JSON.stringify([named])}`)
    expect(code).toBe(0)
    expect(out).toContain(`✔ evil\\u001b[2J name (${servers[0].issuer}): 0 failures, 0 warnings`)
  })

  it('passes an empty shard, saying it holds none of the systems', async () => {
    const { code, out } = await run(servers.slice(0, 2).map(entry), ['--shard', '3/3'])
    expect(code).toBe(0)
    expect(out).toBe('Shard 3/3 holds none of the 2 systems: nothing to check.\n')
  })

  it('fails only the systems whose entries are bad, naming the entry and the key', async () => {
    const { code, out, err, report } = await run([
      entry(servers[0], 0),
      { name: 'inline', issuer: servers[1].issuer, 'initial-access-token': 'plain-text-secret' },
      {
        name: 'unset',
        issuer: servers[2].issuer,
        'client-id-env': 'NO_SUCH_VARIABLE',
        'client-secret-env': 'IAT_2',
      },
      { name: 'seller', issuer: servers[2].issuer, 'seller-password': 'plain-seller-pass' },
    ])
    expect(code).toBe(1)
    expect(err).toBe('')
    expect(out).toContain(`✔ system A (${servers[0].issuer}): 0 failures, 0 warnings`)
    expect(out).toContain(
      '✖ inline: not checked: entry 2, initial-access-token: give it as initial-access-token-env, the name of an environment variable, not as a value',
    )
    expect(out).toContain(
      '✖ unset: not checked: entry 3, client-id-env: environment variable NO_SUCH_VARIABLE is not set',
    )
    expect(out).toContain(
      '✖ seller: not checked: entry 4, seller-password: give it as seller-password-env, the name of an environment variable, not as a value',
    )
    expect(out).toContain('FAIL: 3 of 4 systems failed')
    expect(report.systems[2]).toEqual({
      name: 'unset',
      issuer: servers[2].issuer,
      result: 'fail',
      error: 'entry 3, client-id-env: environment variable NO_SUCH_VARIABLE is not set',
    })
    expect(out + JSON.stringify(report)).not.toMatch(/plain-text-secret|plain-seller-pass/)
  })

  it('reports bad input of one system without stopping the others', async () => {
    const { code, out } = await run([
      entry(servers[0], 0),
      { name: 'broken', issuer: 'ftp://x', 'initial-access-token-env': 'IAT_0' },
    ])
    expect(code).toBe(1)
    expect(out).toContain('✖ broken: not checked: entry 2, issuer: must be an https URL (got ftp:)')
    expect(out).toContain('✔ system A')
  })

  it('exits 3 when checking one system throws, and still reports the others', async () => {
    const check: Check = (config) =>
      config.issuer === servers[1].issuer
        ? Promise.reject(new TypeError('a bug in a stage'))
        : runCheck(config)
    const { code, out, err, report } = await run(servers.map(entry), [], check)
    expect(code).toBe(3)
    expect(out).toContain(`✔ system A (${servers[0].issuer}): 0 failures, 0 warnings`)
    expect(out).toContain(`✖ system B (${servers[1].issuer}): internal error: a bug in a stage`)
    expect(out).toContain(`✔ system C (${servers[2].issuer}): 0 failures, 0 warnings`)
    expect(out).toContain('FAIL: 1 of 3 systems failed')
    expect(err).toMatch(/^Internal error checking system B: TypeError: a bug in a stage\n\s+at /)
    expect(report.systems[1]).toEqual({
      name: 'system B',
      issuer: servers[1].issuer,
      result: 'fail',
      error: 'internal error: a bug in a stage',
    })
  })

  it('applies the command-line options to every system, unless its entry gives the input', async () => {
    const withoutHttp = ({ 'allow-insecure-http': _, ...rest }: ReturnType<typeof entry>) => rest
    const { code, out } = await run(
      [
        withoutHttp(entry(servers[0], 0)),
        { ...withoutHttp(entry(servers[2], 2)), 'allow-insecure-http': false },
      ],
      ['--allow-insecure-http'],
    )
    expect(code).toBe(1)
    expect(out).toContain(`✔ system A (${servers[0].issuer}): 0 failures, 0 warnings`)
    expect(out).toContain(
      '✖ system C: not checked: entry 2, issuer: must use https; set allow-insecure-http to check a loopback http server',
    )
  })

  it.each([
    [
      ['--request-timeout', '0'],
      '--request-timeout: must be a number of seconds from 1 to 300 (got "0")',
    ],
    [['--fail-on', 'never'], '--fail-on: must be "failure" or "warning" (got "never")'],
    [
      ['--issuer', 'https://a.test'],
      "--issuer: with --systems, give it in each system's entry instead",
    ],
    [['--client-id', 'c'], "--client-id: with --systems, give it in each system's entry instead"],
    [['--shard', '3/2'], '--shard: must be K/N with 1 ≤ K ≤ N (got "3/2")'],
  ])(
    '%j is bad usage: exit 2, the message and one line of help, nothing checked',
    async (args, message) => {
      const { code, out, err } = await run(servers.map(entry), args)
      expect(code).toBe(2)
      expect(out).toBe('')
      expect(err).toBe(`${message}\n\nRun with --help for usage.\n`)
    },
  )

  it.each([
    [
      '[\n  { "name": "A",\n    "seller-password": Hunter2-Very-Secret-Value,\n    "issuer": "https://a.test" }\n]\n',
      'is not valid JSON (line 3, column 24)',
    ],
    ['[{"seller-password": "Hunter2-Very-Secret", }]', 'is not valid JSON (line 1, column 45)'],
    ['[{"seller-password": "Hunter2-Very-Secret"', 'is not valid JSON (line 1, column 43)'],
    ['{"issuer": "https://a.test"}', 'must hold a non-empty JSON array'],
  ])(
    'a file that is not a JSON list is bad usage, quoting none of it: %j',
    async (text, problem) => {
      const { code, out, err, file } = await run(text)
      expect(code).toBe(2)
      expect(out).toBe('')
      expect(err).toBe(`--systems: ${file} ${problem}\n\nRun with --help for usage.\n`)
    },
  )
})
