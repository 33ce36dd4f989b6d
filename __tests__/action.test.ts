/**
 * The action entry run the way a runner runs it: a separate process with INPUT_* variables,
 * writing GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. Both the bundle and the sources are driven.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { tmpdir } from 'node:os'
import {
  type Fault,
  type ReferenceServer,
  startReferenceServer,
} from '../reference-server/server.js'
import { type ActionRun, runActionProcess } from './helpers/action.js'

let server: ReferenceServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function runAction(
  entry: 'dist/index.js' | 'src/index.ts',
  faults: Fault[] = [],
): Promise<ActionRun> {
  server = await startReferenceServer({ faults })
  return runActionProcess(entry, {
    issuer: server.issuer,
    'initial-access-token': server.initialAccessToken,
    'orders-feed-url': server.ordersFeedUrl,
    'allow-insecure-http': 'true',
    'fail-on': 'failure',
    'request-timeout': '20',
    scope: 'openactive-ordersfeed',
  })
}

/** Everything a user can read, less the ::add-mask:: commands that tell the runner what to hide. */
function visible(run: ActionRun): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [stdout, run.stderr, run.summary, run.report ?? '', JSON.stringify(run.outputs)].join('\n')
}

describe('the action', () => {
  it.each(['dist/index.js', 'src/index.ts'] as const)(
    '%s passes against the reference server and writes summary and outputs',
    async (entry) => {
      const run = await runAction(entry)
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({ result: 'pass', failures: '0', warnings: '0' })
      expect(run.outputs['client-id']).toMatch(/\S/)
      expect(JSON.parse(run.report ?? '{}')).toMatchObject({
        result: 'pass',
        issuer: server?.issuer,
      })
      expect(run.summary).toMatch(/^## ✅ OpenActive auth check passed/)
      expect(run.summary).toContain('| ✅ pass | `orders-feed.authorized` |')
      expect(run.stdout).toMatch(/^Discovery: pass \(\d+ ms\)$/m)
      expect(run.stdout).toMatch(/^Orders feed: pass \(\d+ ms\)$/m)
    },
  )

  it('redacts every secret from the summary, report, outputs and log', async () => {
    const run = await runAction('src/index.ts')
    const masked = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))
    expect(masked.length).toBeGreaterThanOrEqual(4) // initial access token, client secret, Basic, access token
    for (const line of masked) expect(visible(run)).not.toContain(line.slice('::add-mask::'.length))
    expect(run.summary).toContain('authorization: Bearer [REDACTED]')
    expect(run.summary).toContain('authorization: Basic [REDACTED]')
    expect(run.summary).toContain('&quot;client_secret&quot;: &quot;[REDACTED]&quot;')
    expect(run.summary).toContain('&quot;access_token&quot;: &quot;[REDACTED]&quot;')
  })

  it('fails the step on an issuer mismatch, with the finding in the summary', async () => {
    const run = await runAction('src/index.ts', ['issuer-mismatch'])
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ result: 'fail', failures: '1' })
    expect(run.stdout).toContain(
      '::error::OpenActive auth check failed: 1 failure, 0 warnings (discovery.issuer-matches). See the job summary.',
    )
    expect(run.summary).toMatch(/^## ❌ OpenActive auth check failed/)
    expect(run.summary).toContain(
      `| ❌ fail | \`discovery.issuer-matches\` | issuer in the document is &quot;${server?.issuer}/other&quot;; the configured issuer is &quot;${server?.issuer}&quot;. They differ in path (/ vs /other).<br>**Fix:** Set the issuer in the discovery document to exactly the URL booking partners are given: the same scheme, host, port, path and trailing &quot;/&quot;. | OpenID Connect Discovery 1.0 §4.3; RFC 8414 §3.3 |`,
    )
  })

  it('gives its verdict and outputs when the JUnit file cannot be written', async () => {
    server = await startReferenceServer()
    const run = await runActionProcess('src/index.ts', {
      issuer: server.issuer,
      'initial-access-token': server.initialAccessToken,
      'allow-insecure-http': 'true',
      'junit-file': tmpdir(),
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ result: 'pass', 'junit-file': '' })
    expect(run.outputs['report-file']).toMatch(/openactive-auth-check-report\.json$/)
    expect(run.stdout).toMatch(
      new RegExp(`^::warning::The JUnit report could not be written to ${tmpdir()}: EISDIR`, 'm'),
    )
    expect(run.summary).toMatch(/^## ✅ OpenActive auth check passed/)
  })

  it('names the warnings that fail the step under fail-on: warning', async () => {
    server = await startReferenceServer({ faults: ['registration-no-secret-expiry'] })
    const run = await runActionProcess('src/index.ts', {
      issuer: server.issuer,
      'initial-access-token': server.initialAccessToken,
      'allow-insecure-http': 'true',
      'fail-on': 'warning',
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      '::error::OpenActive auth check failed: 0 failures, 1 warning (registration.secret-expiry). See the job summary.',
    )
  })

  it('still gives its verdict and outputs when the job summary cannot be written', async () => {
    server = await startReferenceServer()
    const run = await runActionProcess(
      'src/index.ts',
      {
        issuer: server.issuer,
        'initial-access-token': server.initialAccessToken,
        'allow-insecure-http': 'true',
      },
      { GITHUB_STEP_SUMMARY: '/nonexistent-folder/summary.md' },
    )
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ result: 'pass', failures: '0' })
    expect(run.stdout).toMatch(
      /^::warning::The job summary could not be written: Unable to access summary file: '\/nonexistent-folder\/summary.md'/m,
    )
  })

  it('fails the step on bad input, naming the input', async () => {
    const run = await runActionProcess('src/index.ts', {
      issuer: 'ftp://example.test',
      'initial-access-token': 'iat-marker-98765',
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('::error::Input issuer: must be an https URL (got ftp:)')
    expect(visible(run)).not.toContain('iat-marker-98765')
    expect(run.outputs).toEqual({})
  })
})
