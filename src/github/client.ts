import type * as GitHub from '@actions/github'

/** What the GitHub features need: an API client and where the run happens. */
export interface GitHubTarget {
  octokit: ReturnType<typeof GitHub.getOctokit>
  owner: string
  repo: string
  /** The commit a check run belongs to: a pull request's head, else the workflow's commit. */
  headSha: string
  /** The run's page, for links in issues. */
  runUrl?: string
}

/**
 * The API client for `GITHUB_API_URL` (github.com or a GitHub Enterprise Server) and the run's
 * repository and commit, read from the runner's environment and event payload.
 *
 * @remarks `github.context.repo` throws without `GITHUB_REPOSITORY`, so this is called only when
 * a GitHub feature is asked for.
 */
export async function gitHubTarget(token: string): Promise<GitHubTarget> {
  // Loaded only when a GitHub feature is asked for: it is most of the bundle, and every run
  // would otherwise pay for parsing it at start.
  const github = await import('@actions/github')
  const { context } = github
  const { owner, repo } = context.repo
  const pullRequest = context.payload.pull_request as { head?: { sha?: string } } | undefined
  const runUrl = context.runId
    ? `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`
    : undefined
  return {
    octokit: github.getOctokit(token),
    owner,
    repo,
    headSha: pullRequest?.head?.sha ?? context.sha,
    runUrl,
  }
}

/** How a GitHub request went wrong, in words for the log; never contains the token. */
export interface GitHubProblem {
  /** The token may not do this: a fork pull request's read-only token, or a missing permission. */
  permission: boolean
  message: string
}

export function describeProblem(error: unknown): GitHubProblem {
  const status = (error as { status?: unknown }).status
  const text = error instanceof Error ? error.message : String(error)
  // GitHub answers 403 "Resource not accessible by integration" to a token without the
  // permission, and 404 where the token cannot even see the resource.
  const permission = status === 403 || /not accessible by integration/i.test(text)
  const detail = typeof status === 'number' ? `HTTP ${status}: ${text}` : text
  return { permission, message: detail.split('\n')[0].slice(0, 300) }
}
