import type { Finding } from '../model.js'
import { cut, escapeCell, fitBytes } from './escape.js'
import { failingChecks, type Report } from './model.js'
import { checkAnchor } from './summary.js'
import { plural, STATUS_ICONS } from './text.js'

/**
 * The monitoring issue's text: the body lists the failing checks and records them in a hidden
 * marker, so that a later run can tell whether the set changed. Everything is redacted (the
 * report is) and escaped; `@` is broken so that a server's text cannot mention anyone.
 */

/** GitHub refuses an issue body or comment over 65,536 characters. */
const ISSUE_LIMIT = 60_000
const MARKER = /<!-- openactive-auth-check:failing ([a-z0-9., -]*) -->/

/** Where the run can be seen, and docs/checks.md for the links; both optional. */
export interface IssueLinks {
  runUrl?: string
  docsUrl?: string
}

/** The failing set an issue body recorded, or undefined when it has no marker. */
export function recordedFailingChecks(body: string | null | undefined): string[] | undefined {
  const match = MARKER.exec(body ?? '')
  return match ? match[1].split(',').filter((id) => id !== '') : undefined
}

export function issueTitle(report: Report): string {
  return `OpenActive auth check failing: ${report.issuer}`
}

/** The issue body: what fails now, with each fix; rewritten whenever the failing set changes. */
export function issueBody(report: Report, links: IssueLinks): string {
  const marker = `<!-- openactive-auth-check:failing ${failingChecks(report).sort().join(',')} -->`
  const text = [
    marker,
    `The OpenActive auth check of **${safe(report.issuer)}** fails: ` +
      `${plural(report.failures, 'failure')}, ${plural(report.warnings, 'warning')}` +
      ` (run at ${report.startedAt}${links.runUrl ? `, [see the run](${links.runUrl})` : ''}).`,
    '',
    failingTable(report, links.docsUrl),
    '',
    'This issue is updated by the scheduled check: a comment when the failing checks change, ' +
      'and closed when it passes again.',
  ].join('\n')
  return fitBytes(text, ISSUE_LIMIT, '**The rest is cut**: see the run’s job summary.')
}

/** The comment on a later failure whose failing set differs from the one recorded. */
export function changedComment(report: Report, previous: string[], links: IssueLinks): string {
  const now = failingChecks(report)
  const added = now.filter((id) => !previous.includes(id))
  const fixed = previous.filter((id) => !now.includes(id))
  const list = (ids: string[]) => ids.map((id) => `\`${id}\``).join(', ')
  const text = [
    `The failing checks changed (run at ${report.startedAt}${links.runUrl ? `, [see the run](${links.runUrl})` : ''}).`,
    '',
    ...(added.length > 0 ? [`- ${STATUS_ICONS.fail} Now failing: ${list(added)}`] : []),
    ...(fixed.length > 0 ? [`- ${STATUS_ICONS.pass} Fixed: ${list(fixed)}`] : []),
    '',
    failingTable(report, links.docsUrl),
  ].join('\n')
  return fitBytes(text, ISSUE_LIMIT, '**The rest is cut**: see the run’s job summary.')
}

/** The comment that closes the issue. */
export function recoveredComment(report: Report, links: IssueLinks): string {
  return (
    `${STATUS_ICONS.pass} The OpenActive auth check of **${safe(report.issuer)}** passes again ` +
    `(run at ${report.startedAt}${links.runUrl ? `, [see the run](${links.runUrl})` : ''}): ` +
    `${plural(report.warnings, 'warning')}. Closing.`
  )
}

function failingTable(report: Report, docsUrl: string | undefined): string {
  const ids = new Set(failingChecks(report))
  const rows = report.checks
    .filter((check) => ids.has(check.id))
    .map((check: Finding) => {
      const id = docsUrl
        ? `[\`${check.id}\`](${docsUrl}#${checkAnchor(check.id)})`
        : `\`${check.id}\``
      return (
        `| ${STATUS_ICONS[check.status]} | ${id} | ${safe(cut(check.message, 600))}` +
        `<br>**Fix:** ${safe(check.fix)} | ${safe(check.reference)} |`
      )
    })
  return ['| | Check | Message | Clause |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

/** A table cell that cannot mention a user or team: a zero-width space follows every `@`. */
function safe(text: string): string {
  return escapeCell(text).replace(/@/g, '@\u200b')
}
