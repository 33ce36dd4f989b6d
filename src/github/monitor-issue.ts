import {
  changedComment,
  issueBody,
  issueTitle,
  recordedFailingChecks,
  recoveredComment,
} from '../report/issue.js'
import { failingChecks, type Report } from '../report/model.js'
import type { GitHubTarget } from './client.js'

/** What the monitoring issue step did, for the log and the `issue-url` output. */
export type MonitorOutcome =
  { action: 'opened' | 'commented' | 'unchanged' | 'closed'; url: string } | { action: 'none' }

/**
 * Keeps one open issue, found by `label`, in step with the check: a failure opens it (or, when
 * one is open and the failing checks changed, comments and rewrites its body); a pass comments
 * and closes it. A failure with the same failing checks adds nothing. Needs `issues: write`.
 */
export async function updateMonitorIssue(
  target: GitHubTarget,
  report: Report,
  label: string,
  docsUrl?: string,
): Promise<MonitorOutcome> {
  const { octokit, owner, repo } = target
  const links = { runUrl: target.runUrl, docsUrl }
  const open = await findOpenIssue(target, label)

  if (report.result === 'pass') {
    if (!open) return { action: 'none' }
    const issue = { owner, repo, issue_number: open.number }
    await octokit.rest.issues.createComment({ ...issue, body: recoveredComment(report, links) })
    await octokit.rest.issues.update({ ...issue, state: 'closed', state_reason: 'completed' })
    return { action: 'closed', url: open.html_url }
  }

  if (!open) {
    const { data } = await octokit.rest.issues.create({
      owner,
      repo,
      title: issueTitle(report),
      body: issueBody(report, links),
      labels: [label],
    })
    return { action: 'opened', url: data.html_url }
  }

  const previous = recordedFailingChecks(open.body) ?? []
  // The issue records the set sorted: compared as a set.
  const now = failingChecks(report).sort()
  if (previous.join(',') === now.join(',')) return { action: 'unchanged', url: open.html_url }
  const issue = { owner, repo, issue_number: open.number }
  await octokit.rest.issues.createComment({
    ...issue,
    body: changedComment(report, previous, links),
  })
  await octokit.rest.issues.update({ ...issue, body: issueBody(report, links) })
  return { action: 'commented', url: open.html_url }
}

/** The oldest open issue with the label (pull requests, which the API lists too, left out). */
async function findOpenIssue(target: GitHubTarget, label: string) {
  const { data } = await target.octokit.rest.issues.listForRepo({
    owner: target.owner,
    repo: target.repo,
    labels: label,
    state: 'open',
    sort: 'created',
    direction: 'asc',
    per_page: 100,
  })
  return data.find((issue) => !issue.pull_request)
}
