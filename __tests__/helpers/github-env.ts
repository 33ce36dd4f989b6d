import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The pull request's head commit in the event; GITHUB_SHA is the merge commit, as on GitHub. */
export const HEAD_SHA = 'feedbeefc0ffee0000000000000000000000000001'
export const MERGE_SHA = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'

/**
 * The environment a runner gives a step on a pull request, with the GitHub API at `apiUrl` (a
 * loopback stand-in) and the action's own repository set so that findings link to docs/checks.md.
 */
export async function pullRequestEnv(apiUrl: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'github-event-'))
  const eventPath = join(dir, 'event.json')
  await writeFile(
    eventPath,
    JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: HEAD_SHA } } }),
  )
  return {
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'owner/repo',
    GITHUB_SHA: MERGE_SHA,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTION: 'auth',
    GITHUB_ACTION_REPOSITORY: 'openactive/openactive-auth-check',
    GITHUB_ACTION_REF: 'v1',
  }
}
