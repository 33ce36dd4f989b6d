import { spawn } from 'node:child_process'
import { startReferenceServer } from './server.js'
const faults = process.argv.slice(2)
for (const f of faults.length ? faults : [undefined]) {
  const s = await startReferenceServer({ faults: f ? [f as never] : [] })
  const child = spawn('npx', ['tsx', 'src/cli.ts', '--issuer', s.issuer, '--orders-feed-url', s.ordersFeedUrl, '--allow-insecure-http'], { env: { ...process.env, OPENACTIVE_INITIAL_ACCESS_TOKEN: s.initialAccessToken } })
  let out = ''
  child.stdout.on('data', (d) => (out += d)); child.stderr.on('data', (d) => (out += d))
  const code = await new Promise((r) => child.on('close', r))
  const lines = out.split('\n').filter((l) => /✖|⚠|PASS|FAIL|WARN|rror/.test(l))
  console.log(`== ${f ?? 'baseline'} (exit ${code})\n${lines.join('\n')}`)
  await s.close()
}
