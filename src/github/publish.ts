import type { Report } from '../report/model.js'
import { createCheckRun } from './check-run.js'
import { describeProblem, type GitHubTarget, gitHubTarget } from './client.js'
import { updateMonitorIssue } from './monitor-issue.js'

/** The action's GitHub-only inputs, besides `junit-file`. */
export interface GitHubOptions {
  token: string
  checkRun: boolean
  monitorIssue: boolean
  monitorLabel: string
}

export const DEFAULT_MONITOR_LABEL = 'openactive-auth-check'

/** Bad GitHub input: the message names the input. */
export class GitHubInputError extends Error {
  constructor(input: string, message: string) {
    super(`${input}: ${message}`)
    this.name = 'GitHubInputError'
  }
}

/** Validates the GitHub inputs, as read by the entry point. */
export function parseGitHubOptions(input: (name: string) => string): GitHubOptions {
  const flag = (name: string) => {
    const text = input(name).trim()
    if (text === '' || /^(false|no|0)$/i.test(text)) return false
    if (/^(true|yes|1)$/i.test(text)) return true
    throw new GitHubInputError(name, `must be true or false (got ${JSON.stringify(text)})`)
  }
  const monitorLabel = input('monitor-label').trim() || DEFAULT_MONITOR_LABEL
  if (monitorLabel.includes(',') || monitorLabel.length > 50) {
    throw new GitHubInputError(
      'monitor-label',
      'must be one label of at most 50 characters, no ","',
    )
  }
  return {
    token: input('github-token').trim(),
    checkRun: flag('check-run'),
    monitorIssue: flag('monitor-issue'),
    monitorLabel,
  }
}

/** Where the step tells the person reading the log what happened; never given a secret. */
export interface PublishLog {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
}

/**
 * The check run and the monitoring issue, as asked for. Neither ever fails the step: a token
 * without the permission (a fork pull request's is read-only) gets one notice per feature, any
 * other problem a warning; the job summary and annotations carry the results either way.
 */
export async function publishToGitHub(
  report: Report,
  options: GitHubOptions,
  content: { checkRunOutput: { title: string; summary: string }; docsUrl?: string },
  log: PublishLog,
): Promise<{ checkRunUrl?: string; issueUrl?: string }> {
  if (!options.checkRun && !options.monitorIssue) return {}
  const wanted = [options.checkRun && 'check run', options.monitorIssue && 'monitoring issue']
    .filter(Boolean)
    .join(' and ')
  if (!options.token) {
    log.notice(`No github-token: no ${wanted}. The results are in the job summary.`)
    return {}
  }
  let target: GitHubTarget
  try {
    target = await gitHubTarget(options.token)
  } catch (error) {
    log.warning(`No ${wanted}: ${describeProblem(error).message}`)
    return {}
  }

  const result: { checkRunUrl?: string; issueUrl?: string } = {}
  if (options.checkRun) {
    try {
      result.checkRunUrl = await createCheckRun(target, report, content.checkRunOutput)
      log.info(`Check run created: ${result.checkRunUrl}`)
    } catch (error) {
      tell(log, 'No check run', 'checks: write', error)
    }
  }
  if (options.monitorIssue) {
    try {
      const outcome = await updateMonitorIssue(
        target,
        report,
        options.monitorLabel,
        content.docsUrl,
      )
      if (outcome.action !== 'none') {
        result.issueUrl = outcome.url
        log.info(`Monitoring issue ${outcome.action}: ${outcome.url}`)
      }
    } catch (error) {
      tell(log, 'Monitoring issue not updated', 'issues: write', error)
    }
  }
  return result
}

function tell(log: PublishLog, what: string, permission: string, error: unknown): void {
  const problem = describeProblem(error)
  if (problem.permission) {
    log.notice(
      `${what}: the token may not do this (${problem.message}). It needs \`${permission}\`; on a ` +
        'pull request from a fork the token is read-only. The results are in the job summary.',
    )
  } else log.warning(`${what}: ${problem.message}`)
}
