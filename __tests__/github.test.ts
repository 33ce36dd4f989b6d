/**
 * The check run and the monitoring issue, against a loopback stand-in for the GitHub API: the
 * requests the action makes, and what the seller then sees on the pull request and the issue.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { type Fault, startReferenceServer } from '../reference-server/server.js'
import { runActionProcess } from './helpers/action.js'
import { type FakeGitHubApi, startFakeGitHubApi } from './helpers/github-api.js'
import { HEAD_SHA, pullRequestEnv } from './helpers/github-env.js'

let api: FakeGitHubApi
beforeEach(async () => {
  api = await startFakeGitHubApi()
})
afterEach(() => api.close())

async function runAction(faults: Fault[], inputs: Record<string, string>) {
  const server = await startReferenceServer({ faults })
  try {
    return await runActionProcess(
      'src/index.ts',
      {
        issuer: server.issuer,
        'initial-access-token': server.initialAccessToken,
        'orders-feed-url': server.ordersFeedUrl,
        'allow-insecure-http': 'true',
        'github-token': 'ghs_test_token',
        ...inputs,
      },
      await pullRequestEnv(api.url),
    )
  } finally {
    await server.close()
  }
}

const writes = () => api.requests.filter((request) => request.method !== 'GET')

describe('on a pull request', () => {
  it('creates a check run on the head commit with the verdict and the summary', async () => {
    const run = await runAction(['access-token-wrong-issuer'], { 'check-run': 'true' })

    expect(run.code).toBe(1)
    expect(api.requests).toEqual([
      {
        method: 'POST',
        path: '/repos/owner/repo/check-runs',
        authorization: 'token ghs_test_token',
        body: expect.objectContaining({
          name: 'OpenActive auth check',
          head_sha: HEAD_SHA,
          status: 'completed',
          conclusion: 'failure',
        }),
      },
    ])
    const output = api.requests[0].body?.output as { title: string; summary: string }
    expect(output.title).toBe('Failed: 2 failures, 0 warnings')
    expect(output.summary).toMatch(/^## ❌ OpenActive auth check failed\n/)
    expect(output.summary).toContain(
      '[`access-token.issuer`](https://github.test/openactive/openactive-auth-check/blob/v1/docs/checks.md#access-tokenissuer)',
    )
    expect(output.summary.length).toBeLessThanOrEqual(65_535)
    expect(run.outputs['check-run-url']).toBe('https://github.test/owner/repo/runs/1')
    expect(run.stdout).toContain('Check run created: https://github.test/owner/repo/runs/1')
  })

  it('says once that a read-only token cannot create it, and still writes the summary', async () => {
    api.forbidden = true
    const run = await runAction([], { 'check-run': 'true' })

    expect(writes()).toHaveLength(1)
    expect(run.code).toBe(0)
    const notices = run.stdout.split('\n').filter((line) => line.startsWith('::notice::'))
    expect(notices).toEqual([
      '::notice::No check run: the token may not do this (HTTP 403: Resource not accessible by integration - https://docs.github.com/rest). It needs `checks: write`; on a pull request from a fork the token is read-only. The results are in the job summary.',
    ])
    expect(run.stdout).not.toMatch(/^::(error|warning)/m)
    expect(run.summary).toMatch(/^## ✅ OpenActive auth check passed\n/)
    expect(run.outputs).toMatchObject({ result: 'pass', 'check-run-url': '' })
  })
})

describe('scheduled monitoring', () => {
  it('opens an issue with the label on failure, and closes it when the check passes', async () => {
    const failed = await runAction(['access-token-wrong-issuer'], { 'monitor-issue': 'true' })

    expect(failed.code).toBe(1)
    expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/owner/repo/issues?labels=openactive-auth-check&state=open&sort=created&direction=asc&per_page=100',
      'POST /repos/owner/repo/issues',
    ])
    const [issue] = api.issues
    expect(issue).toMatchObject({
      labels: ['openactive-auth-check'],
      state: 'open',
      title: expect.stringMatching(/^OpenActive auth check failing: http:\/\/127\.0\.0\.1:\d+$/),
    })
    expect(issue.body).toContain(
      '<!-- openactive-auth-check:failing access-token.issuer,orders-feed.authorized -->',
    )
    expect(issue.body).toContain('[see the run](https://github.test/owner/repo/actions/runs/4242)')
    expect(issue.body).toMatch(/\| ❌ \| \[`access-token.issuer`\]\([^)]+\) \| iss is /)
    expect(failed.outputs['issue-url']).toBe('https://github.test/owner/repo/issues/1')

    const passed = await runAction([], { 'monitor-issue': 'true' })

    expect(passed.code).toBe(0)
    expect(issue.state).toBe('closed')
    expect(issue.comments).toEqual([
      expect.stringMatching(/^✅ The OpenActive auth check of \*\*http:[^*]+\*\* passes again/),
    ])
    expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /repos/owner/repo/issues',
      'POST /repos/owner/repo/issues/1/comments',
      'PATCH /repos/owner/repo/issues/1',
    ])
    expect(writes()[2].body).toEqual({ state: 'closed', state_reason: 'completed' })
  })
})
