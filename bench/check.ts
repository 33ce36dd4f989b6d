/**
 * Times the full check against the reference server on loopback: in-process (warm) and through
 * the bundled CLI (a new process each time, as the demo and a runner do), and prints the bundle
 * sizes. Run with `npm run bench`. Loopback only.
 */
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConfig } from '../src/config.js'
import { runCheck } from '../src/run.js'
import { startReferenceServer } from '../reference-server/server.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const server = await startReferenceServer()
const args = [
  '--issuer',
  server.issuer,
  '--orders-feed-url',
  server.ordersFeedUrl,
  '--allow-insecure-http',
]
const config = parseConfig({
  issuer: server.issuer,
  'orders-feed-url': server.ordersFeedUrl,
  'initial-access-token': server.initialAccessToken,
  'allow-insecure-http': 'true',
})

const inProcess: number[] = []
for (let i = 0; i < RUNS; i++) {
  const started = performance.now()
  const report = await runCheck(config)
  inProcess.push(performance.now() - started)
  if (report.result !== 'pass') throw new Error(`run ${i} did not pass`)
}

const cli: number[] = []
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  const started = performance.now()
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      [join(root, 'bin', 'openactive-auth-check.js'), ...args],
      { env: { ...process.env, OPENACTIVE_INITIAL_ACCESS_TOKEN: server.initialAccessToken } },
      (error) => (error ? reject(error) : resolve()),
    ),
  )
  cli.push(performance.now() - started)
}
await server.close()

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const kib = (path: string) => `${(statSync(join(root, path)).size / 1024).toFixed(0)} KiB`
console.log(`node ${process.version}, ${RUNS} runs`)
console.log(`full check, in process (warm):      median ${median(inProcess).toFixed(1)} ms`)
console.log(
  `full check, CLI process (cold):     median ${median(cli).toFixed(1)} ms over ${cli.length} runs`,
)
console.log(`dist/index.js (action bundle):      ${kib('dist/index.js')}`)
console.log(`dist/cli/index.js (CLI bundle):     ${kib('dist/cli/index.js')}`)
