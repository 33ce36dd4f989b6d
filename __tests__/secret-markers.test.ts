/**
 * Nothing secret reaches GitHub: the whole action runs against the reference server with every
 * secret input set to a unique marker (the client secret is the server's own, with its awkward
 * characters), the check run and monitoring issue on, and every output a person or GitHub
 * receives is searched for each marker and each value the action masked.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { type ReferenceServer, startReferenceServer } from '../reference-server/server.js'
import { type ActionRun, runActionProcess } from './helpers/action.js'
import { type FakeGitHubApi, startFakeGitHubApi } from './helpers/github-api.js'
import { pullRequestEnv } from './helpers/github-env.js'

const INITIAL_ACCESS_TOKEN = 'MARKER-initial-access-token-4d7e1b'
const GITHUB_TOKENS = ['ghs_MARKER_github_token_one_9c2a', 'ghs_MARKER_github_token_two_3f8b']

const opened: { close(): Promise<void> }[] = []
afterAll(() => Promise.all(opened.map((item) => item.close())))

/** Every text a run leaves where someone can read it, less the runner's mask commands. */
function everythingSeen(run: ActionRun, api: FakeGitHubApi): string {
  const log = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
  return [
    log(run.stdout), // the log, with the annotations (::error / ::warning / ::notice)
    log(run.stderr),
    run.summary,
    JSON.stringify(run.outputs),
    run.report ?? '',
    run.junit ?? '',
    // What GitHub received: check run and issue bodies (the token is in the header, as it must be).
    JSON.stringify(api.requests.map((request) => request.body ?? null)),
    ...api.issues.flatMap((issue) => [issue.title, issue.body, ...issue.comments]),
  ].join('\n')
}

function masked(run: ActionRun): string[] {
  return (
    run.stdout
      .split('\n')
      .filter((line) => line.startsWith('::add-mask::'))
      .map((line) => line.slice('::add-mask::'.length))
      // The command's own escaping (@actions/core escapes %, CR and LF), undone.
      .map((value) => value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
  )
}

async function start(options: Parameters<typeof startReferenceServer>[0]) {
  const server: ReferenceServer = await startReferenceServer(options)
  const api = await startFakeGitHubApi()
  opened.push(server, api)
  return { server, api }
}

const GITHUB_INPUTS = {
  'check-run': 'true',
  'monitor-issue': 'true',
  'allow-insecure-http': 'true',
}

describe('secrets', () => {
  it('never appear in the summary, outputs, reports, annotations, check run, issue or log', async () => {
    const registering = await start({
      initialAccessToken: INITIAL_ACCESS_TOKEN,
      faults: ['token-basic-not-decoded'],
    })
    const existing = await start({ faults: ['access-token-wrong-issuer'] })
    const client = await existing.server.createClient()

    const runs = await Promise.all([
      runActionProcess(
        'src/index.ts',
        {
          ...GITHUB_INPUTS,
          issuer: registering.server.issuer,
          'initial-access-token': INITIAL_ACCESS_TOKEN,
          'orders-feed-url': registering.server.ordersFeedUrl,
          'github-token': GITHUB_TOKENS[0],
        },
        await pullRequestEnv(registering.api.url),
      ),
      runActionProcess(
        'src/index.ts',
        {
          ...GITHUB_INPUTS,
          issuer: existing.server.issuer,
          'client-id': client.clientId,
          'client-secret': client.clientSecret,
          'orders-feed-url': existing.server.ordersFeedUrl,
          'github-token': GITHUB_TOKENS[1],
        },
        await pullRequestEnv(existing.api.url),
      ),
    ])

    const apis = [registering.api, existing.api]
    const markers = [INITIAL_ACCESS_TOKEN, client.clientSecret, ...GITHUB_TOKENS]
    runs.forEach((run, index) => {
      // Both runs fail, so there are annotations, a failing check run and an issue to search.
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/^::error title=[\w.-]+::/m)
      expect(apis[index].requests.map((request) => request.path)).toEqual(
        expect.arrayContaining(['/repos/owner/repo/check-runs', '/repos/owner/repo/issues']),
      )
      expect(apis[index].requests[0].authorization).toBe(`token ${GITHUB_TOKENS[index]}`)
      expect(run.junit).toContain('<testsuites ')
      // The secrets were there to leak: the check run's summary shows where they were redacted.
      expect(JSON.stringify(apis[index].requests[0].body)).toContain('[REDACTED]')

      const seen = everythingSeen(run, apis[index])
      // The run's own secrets: markers, the registered client's secret, Basic credentials and
      // access tokens in every spelling the action masked.
      const values = [...markers, ...masked(run)]
      expect(masked(run)).toEqual(expect.arrayContaining([GITHUB_TOKENS[index]]))
      expect(values.filter((value) => seen.includes(value))).toEqual([])
    })
    expect(masked(runs[0])).toContain(INITIAL_ACCESS_TOKEN)
    expect(masked(runs[1])).toContain(client.clientSecret)
  })
})
