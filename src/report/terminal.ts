import { printable } from '../checks/response.js'
import { STAGE_TITLES } from '../model.js'
import type { Report } from './model.js'
import { formatDuration, plural } from './text.js'

const SYMBOLS = { pass: '✔', fail: '✖', warn: '!', skip: '-' } as const

/** The report for a terminal: every finding by stage, then the verdict. */
export function renderTerminal(report: Report): string {
  const lines = [`OpenActive auth check of ${report.issuer}`, '']
  for (const { stage, status, durationMs } of report.stages) {
    lines.push(`${SYMBOLS[status]} ${STAGE_TITLES[stage]} (${formatDuration(durationMs)})`)
    const checks = report.checks.filter((finding) => finding.stage === stage)
    // A stage skipped whole says why once, not once per check.
    const reasons = new Set(checks.map((check) => check.message))
    if (checks.length > 1 && status === 'skip' && reasons.size === 1) {
      lines.push(`    ${SYMBOLS.skip} ${plural(checks.length, 'check')}: ${checks[0].message}`)
      continue
    }
    for (const check of checks) {
      lines.push(`    ${SYMBOLS[check.status]} ${check.id}: ${check.message}`)
      if (check.status === 'fail' || check.status === 'warn') {
        lines.push(`        fix: ${check.fix}`, `        see: ${check.reference}`)
      }
    }
  }
  const count = (status: string) => report.checks.filter((check) => check.status === status).length
  lines.push(
    '',
    `${report.result === 'pass' ? 'PASS' : 'FAIL'}: ${plural(report.failures, 'failure')}, ` +
      `${plural(report.warnings, 'warning')}, ${count('pass')} passed, ${count('skip')} skipped, ` +
      `in ${formatDuration(report.durationMs)}` +
      (report.failOn === 'warning' ? ' (fail-on: warning)' : ''),
  )
  // Everything from the server is made printable: no terminal escape sequence gets through.
  return `${printable(lines.join('\n'))}\n`
}
