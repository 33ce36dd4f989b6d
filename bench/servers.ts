/**
 * Starts reference servers in their own process, as a booking system would be: prints one JSON
 * line with their issuers, initial access tokens and Orders feed URLs, and stops when its
 * standard input closes. `npx tsx bench/servers.ts COUNT [LATENCY_MS]`: with a latency, every
 * answer waits that long first, as across a network.
 */
import { generateSigningKey, startReferenceServer } from '../reference-server/server.js'

const count = Number(process.argv[2] ?? 1)
const latencyMs = Number(process.argv[3] ?? 0)
const signingKey = await generateSigningKey()
const servers = await Promise.all(
  Array.from({ length: count }, () => startReferenceServer({ signingKey, latencyMs })),
)
process.stdout.write(
  `${JSON.stringify(servers.map(({ issuer, initialAccessToken, ordersFeedUrl }) => ({ issuer, initialAccessToken, ordersFeedUrl })))}\n`,
)
process.stdin.resume()
process.stdin.on('end', async () => {
  await Promise.all(servers.map((server) => server.close()))
  process.exit(0)
})
