/**
 * The monitoring issue across a series of scheduled runs: one issue, a comment only when the
 * failing checks change, closed on success. In-process, against a loopback stand-in for the API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type CheckId, passed, violated } from '../src/checks/catalogue.js'
import { parseConfig } from '../src/config.js'
import type { GitHubTarget } from '../src/github/client.js'
import { buildReport, type Report } from '../src/report/model.js'
import { Secrets } from '../src/secrets.js'
import { type FakeGitHubApi, startFakeGitHubApi } from './helpers/github-api.js'

let api: FakeGitHubApi
let target: GitHubTarget
let updateMonitorIssue: typeof import('../src/github/monitor-issue.js').updateMonitorIssue

beforeAll(async () => {
  api = await startFakeGitHubApi()
  // @actions/github reads the API's address and the repository from the environment on import.
  process.env.GITHUB_API_URL = api.url
  process.env.GITHUB_REPOSITORY = 'owner/repo'
  const client = await import('../src/github/client.js')
  ;({ updateMonitorIssue } = await import('../src/github/monitor-issue.js'))
  target = { ...(await client.gitHubTarget('ghs_test_token')), runUrl: 'https://github.test/run/1' }
})
afterAll(async () => {
  delete process.env.GITHUB_API_URL
  delete process.env.GITHUB_REPOSITORY
  await api.close()
})

/** A run in which exactly `failing` fail. */
function run(failing: CheckId[], message = 'seen'): Report {
  const ids: CheckId[] = [
    'discovery.issuer-matches',
    'jwks.key-strength',
    'token.rejects-wrong-secret',
  ]
  return buildReport({
    config: parseConfig({ issuer: 'https://auth.example.test', 'initial-access-token': 'iat' }),
    findings: ids.map((id) => (failing.includes(id) ? violated(id, message) : passed(id, 'ok'))),
    exchanges: [],
    timings: {},
    startedAt: new Date('2026-12-03T12:00:00Z'),
    durationMs: 5,
    secrets: new Secrets(),
  })
}

async function writesOf(report: Report) {
  const before = api.requests.length
  const outcome = await updateMonitorIssue(target, report, 'auth-monitor')
  const writes = api.requests
    .slice(before)
    .filter((request) => request.method !== 'GET')
    .map((request) => `${request.method} ${request.path.replace('/repos/owner/repo', '')}`)
  return { outcome, writes }
}

describe('the monitoring issue over scheduled runs', () => {
  it('is opened once, commented on only when the failing set changes, closed on a pass', async () => {
    expect(await writesOf(run(['discovery.issuer-matches']))).toEqual({
      outcome: { action: 'opened', url: 'https://github.test/owner/repo/issues/1' },
      writes: ['POST /issues'],
    })
    const [issue] = api.issues
    expect(issue.labels).toEqual(['auth-monitor'])

    // The same failure an hour later: nothing new to say.
    expect((await writesOf(run(['discovery.issuer-matches']))).writes).toEqual([])
    expect(issue.comments).toEqual([])

    expect(
      (await writesOf(run(['discovery.issuer-matches', 'token.rejects-wrong-secret']))).writes,
    ).toEqual(['POST /issues/1/comments', 'PATCH /issues/1'])
    expect(issue.comments[0]).toContain('- ❌ Now failing: `token.rejects-wrong-secret`')
    expect(issue.body).toContain(
      '<!-- openactive-auth-check:failing discovery.issuer-matches,token.rejects-wrong-secret -->',
    )

    await writesOf(run(['token.rejects-wrong-secret']))
    expect(issue.comments[1]).toContain('- ✅ Fixed: `discovery.issuer-matches`')
    expect(issue.comments[1]).not.toContain('Now failing')

    expect(await writesOf(run([]))).toEqual({
      outcome: { action: 'closed', url: 'https://github.test/owner/repo/issues/1' },
      writes: ['POST /issues/1/comments', 'PATCH /issues/1'],
    })
    expect(issue.state).toBe('closed')
    expect(issue.comments[2]).toMatch(/passes again .*Closing\.$/)

    // Passing with no issue open: nothing is written.
    expect(await writesOf(run([]))).toEqual({ outcome: { action: 'none' }, writes: [] })
  })

  it('escapes what the server said, and lets it mention no one', async () => {
    await writesOf(run(['jwks.key-strength'], 'kid "@octocat" <img src=x onerror=alert(1)> | x'))
    const issue = api.issues.at(-1)
    expect(issue?.body).toContain(
      'kid &quot;@\u200boctocat&quot; &lt;img src=x onerror=alert(1)&gt; \\| x',
    )
    expect(issue?.body).not.toMatch(/@octocat|<img/)
  })
})
