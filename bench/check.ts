/**
 * The benchmark: `npm run bench`. Everything runs on loopback; the reference servers run in a
 * process of their own, as a booking system would. Prints, against the targets:
 * - the full check (every positive and negative probe) against a bare client doing only the
 *   five positive requests, medians of interleaved runs, and their ratio; then the same with a
 *   round trip added to every answer, as across a network;
 * - the action bundle's cold start (process start to its first request), its peak RSS in a full
 *   check, and its size;
 * - the time to check 100 booking systems with the CLI's --systems engine.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { checkSystems } from '../src/cli/systems.js'
import { parseConfig } from '../src/config.js'
import { runCheck } from '../src/run.js'
import { bareClient } from './bare.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 30)
const ISSUERS = Number(process.env.BENCH_ISSUERS ?? 100)
/** The round trip of the second comparison: a booking system across a network. */
const LATENCY_MS = 20
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
interface Served {
  issuer: string
  initialAccessToken: string
  ordersFeedUrl: string
}

/** Starts `count` reference servers in a child process. */
async function startServers(
  count: number,
  latencyMs = 0,
): Promise<{ servers: Served[]; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'servers.ts'), String(count), String(latencyMs)],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', resolve),
  )
  return { servers: JSON.parse(line) as Served[], child }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve())
    child.stdin?.end()
  })
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ms = (value: number) => `${value.toFixed(1)} ms`

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await task()
  return performance.now() - started
}

/** The full check against the bare client, interleaved so that both see the same conditions. */
async function fullAgainstBare(
  server: Served,
  runs: number,
): Promise<{ full: number; bare: number }> {
  const config = parseConfig({
    issuer: server.issuer,
    'initial-access-token': server.initialAccessToken,
    'orders-feed-url': server.ordersFeedUrl,
    'allow-insecure-http': 'true',
  })
  const full: number[] = []
  const bare: number[] = []
  for (let i = 0; i < runs + 3; i++) {
    const a = await timed(async () => {
      const report = await runCheck(config)
      if (report.result !== 'pass') throw new Error('the full check did not pass')
    })
    const b = await timed(() =>
      bareClient(server.issuer, server.initialAccessToken, server.ordersFeedUrl),
    )
    // The first runs warm up both.
    if (i >= 3) {
      full.push(a)
      bare.push(b)
    }
  }
  return { full: median(full), bare: median(bare) }
}

/** Process start of `node dist/index.js` to its first request, as a runner starts it. */
async function coldStart(): Promise<number> {
  let arrived = 0
  const listener = createServer((_, res) => {
    arrived ||= performance.now()
    res.writeHead(503).end()
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`
  const samples: number[] = []
  for (let i = 0; i < 15; i++) {
    arrived = 0
    const started = performance.now()
    await runAction(
      {
        INPUT_ISSUER: issuer,
        'INPUT_CLIENT-ID': 'bench',
        'INPUT_CLIENT-SECRET': 'bench-secret',
        'INPUT_RUN-TIMEOUT': '5',
      },
      { measureRss: false },
    )
    samples.push(arrived - started)
  }
  listener.close()
  return median(samples.slice(2))
}

/**
 * Runs the action bundle in a child process, as a runner does; returns its peak RSS in KiB, when
 * measured: the preloaded module that measures it slows the start.
 */
async function runAction(
  inputs: Record<string, string>,
  { measureRss = true } = {},
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-action-'))
  for (const name of ['output', 'summary']) writeFileSync(join(dir, name), '')
  const env = {
    PATH: process.env.PATH,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    BENCH_RSS_FILE: join(dir, 'rss'),
    'INPUT_ALLOW-INSECURE-HTTP': 'true',
    ...inputs,
  }
  const child = spawn(
    process.execPath,
    [
      ...(measureRss ? ['--import', join(root, 'bench', 'rss.mjs')] : []),
      join(root, 'dist', 'index.js'),
    ],
    { env, stdio: 'ignore' },
  )
  await new Promise((resolve) => child.on('exit', resolve))
  const rss = measureRss ? Number(readFileSync(join(dir, 'rss'), 'utf8')) : 0
  rmSync(dir, { recursive: true, force: true })
  return rss
}

async function manyIssuers(servers: Served[]): Promise<number> {
  const systems = servers.map((server, index) => ({
    name: `system ${index + 1}`,
    raw: {
      issuer: server.issuer,
      'initial-access-token': server.initialAccessToken,
      'orders-feed-url': server.ordersFeedUrl,
      'allow-insecure-http': 'true',
    },
  }))
  return timed(async () => {
    const outcomes = await checkSystems(systems, 16)
    const failed = outcomes.filter((outcome) => outcome.result !== 'pass').length
    if (failed > 0) throw new Error(`${failed} of ${servers.length} systems did not pass`)
  })
}

const one = await startServers(1)
const { full, bare } = await fullAgainstBare(one.servers[0], RUNS)
const s = one.servers[0]
const rss = await runAction({
  INPUT_ISSUER: s.issuer,
  'INPUT_INITIAL-ACCESS-TOKEN': s.initialAccessToken,
  'INPUT_ORDERS-FEED-URL': s.ordersFeedUrl,
})
await stop(one.child)
const far = await startServers(1, LATENCY_MS)
const across = await fullAgainstBare(far.servers[0], Math.ceil(RUNS / 3))
await stop(far.child)
const cold = await coldStart()
const many = await startServers(ISSUERS)
const manyMs = await manyIssuers(many.servers)
await stop(many.child)
const dist = join(root, 'dist')
const size = (file: string) => statSync(join(dist, file)).size
const chunks = readdirSync(dist).filter((file) => file.endsWith('.js'))
/**
 * What every run loads: the entry, and the chunks of @actions/core with the undici it carries,
 * and of jose (told by their source maps); not those of @actions/github, the HTML parser or the
 * cookie jar.
 */
const loaded = chunks.filter((file) => {
  if (file === 'index.js') return true
  const { sources } = JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8')) as {
    sources: string[]
  }
  const from = (name: string) => sources.some((source) => source.includes(`node_modules/${name}/`))
  return (from('@actions/core') || from('undici') || from('jose')) && !from('@actions/github')
})
const runBytes = loaded.reduce((sum, file) => sum + size(file), 0)
const allBytes = chunks.reduce((sum, file) => sum + size(file), 0)
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`

const target = (ok: boolean) => (ok ? 'met' : 'MISSED')
console.log(
  `node ${process.version}, ${RUNS} interleaved runs, reference servers in their own process`,
)
console.log(`full check (all probes), median:    ${ms(full)}`)
console.log(`bare client (5 requests), median:   ${ms(bare)}`)
console.log(
  `ratio full / bare:                  ${(full / bare).toFixed(2)}x   (target ≤ 1.3x: ${target(full / bare <= 1.3)})`,
)
console.log(
  `with a ${LATENCY_MS} ms round trip:            ${ms(across.full)} / ${ms(across.bare)} = ${(across.full / across.bare).toFixed(2)}x   (for comparison; the target is on loopback)`,
)
console.log(
  `cold start, dist/index.js:          ${ms(cold)}   (target ≤ 150 ms: ${target(cold <= 150)})`,
)
console.log(
  `peak RSS of the action, full check: ${(rss / 1024).toFixed(1)} MiB   (target ≤ 120 MB: ${target(rss * 1024 <= 120e6)})`,
)
console.log(
  `bundle a run loads:                 ${kib(runBytes)} (${loaded.join(', ')})   (target ≤ 2 MB: ${target(runBytes <= 2e6)})`,
)
console.log(
  `all of dist/, with the chunks loaded only for GitHub features and the seller login: ${kib(allBytes)}`,
)
console.log(
  `${ISSUERS} issuers, concurrency 16:       ${(manyMs / 1000).toFixed(2)} s   (target ≤ 10 s: ${target(manyMs <= 10_000)})`,
)
