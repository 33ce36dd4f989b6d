/**
 * The demo: starts the reference server on an ephemeral loopback port, runs the bundled CLI
 * against it with registration and the Orders feed, prints the report and exits with the CLI's
 * status.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startReferenceServer } from '../reference-server/server.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const server = await startReferenceServer()
console.log(
  `Reference server (oidc-provider as an OpenActive booking system) at ${server.issuer}\n`,
)

const args = [
  '--issuer',
  server.issuer,
  '--orders-feed-url',
  server.ordersFeedUrl,
  '--allow-insecure-http',
]
console.log(`$ OPENACTIVE_INITIAL_ACCESS_TOKEN=… openactive-auth-check ${args.join(' ')}\n`)

const started = performance.now()
const child = spawn(process.execPath, [join(root, 'bin', 'openactive-auth-check.js'), ...args], {
  env: { ...process.env, OPENACTIVE_INITIAL_ACCESS_TOKEN: server.initialAccessToken },
  stdio: 'inherit',
})
const code = await new Promise<number>((resolve) =>
  child.on('close', (status) => resolve(status ?? 1)),
)
const elapsed = Math.round(performance.now() - started)

await server.close()
console.log(`\nThe CLI exited ${code} after ${elapsed} ms (process start included).`)
process.exitCode = code
