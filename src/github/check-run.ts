import type { Report } from '../report/model.js'
import type { GitHubTarget } from './client.js'

/** The check run's name in the pull request's checks list. */
export const CHECK_RUN_NAME = 'OpenActive auth check'

/**
 * Creates a completed check run on the head commit: the verdict as its conclusion, the job
 * summary (already cut to the 65,535 characters a check run takes) as its output. Returns the
 * check run's page. Needs `checks: write`.
 */
export async function createCheckRun(
  target: GitHubTarget,
  report: Report,
  output: { title: string; summary: string },
): Promise<string> {
  const { data } = await target.octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: CHECK_RUN_NAME,
    head_sha: target.headSha,
    status: 'completed',
    conclusion: report.result === 'pass' ? 'success' : 'failure',
    started_at: report.startedAt,
    completed_at: new Date(Date.parse(report.startedAt) + report.durationMs).toISOString(),
    output,
  })
  return data.html_url ?? ''
}
