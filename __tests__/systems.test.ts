/** The CLI checking several booking systems from one file, as a monitor or a matrix job does. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/cli/main.js'
import { shardOf } from '../src/cli/systems.js'
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

async function run(entries: unknown, args: string[] = []) {
  const file = join(dir, `systems-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, JSON.stringify(entries))
  let out = ''
  let err = ''
  const json = join(dir, 'report.json')
  const code = await main(['--systems', file, '--json', json, ...args], env, {
    out: (text) => (out += text),
    err: (text) => (err += text),
  })
  const report = code === 2 ? undefined : JSON.parse(await readFile(json, 'utf8'))
  return { code, out, err, report }
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

  it('refuses a secret written in the file, naming the entry', async () => {
    const { code, err } = await run([
      { issuer: servers[0].issuer, 'client-secret': 'plain-text-secret' },
    ])
    expect(code).toBe(2)
    expect(err).toContain(
      '--systems: entry 1 (system 1): give client-secret as client-secret-env, the name of an environment variable, not as a value',
    )
    expect(err).not.toContain('plain-text-secret')
  })

  it('reports bad input of one system without stopping the others', async () => {
    const { code, out } = await run([
      entry(servers[0], 0),
      { name: 'broken', issuer: 'ftp://x', 'initial-access-token-env': 'IAT_0' },
    ])
    expect(code).toBe(1)
    expect(out).toContain('✖ broken: not checked: input issuer: must be an https URL (got ftp:)')
    expect(out).toContain('✔ system A')
  })
})
