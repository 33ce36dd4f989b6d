/**
 * Starts reference servers in their own process, as a booking system would be: prints one JSON
 * line with their issuers, initial access tokens and Orders feed URLs, and stops when its
 * standard input closes. `npx tsx bench/servers.ts COUNT`.
 */
import { generateSigningKey, startReferenceServer } from '../reference-server/server.js'

const count = Number(process.argv[2] ?? 1)
const signingKey = await generateSigningKey()
const servers = await Promise.all(
  Array.from({ length: count }, () => startReferenceServer({ signingKey })),
)
process.stdout.write(
  `${JSON.stringify(servers.map(({ issuer, initialAccessToken, ordersFeedUrl }) => ({ issuer, initialAccessToken, ordersFeedUrl })))}\n`,
)
process.stdin.resume()
process.stdin.on('end', async () => {
  await Promise.all(servers.map((server) => server.close()))
  process.exit(0)
})
