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
    for (const check of report.checks.filter((finding) => finding.stage === stage)) {
      lines.push(`    ${SYMBOLS[check.status]} ${check.id}: ${check.message}`)
      if (check.status === 'fail' || check.status === 'warn') {
        lines.push(`        fix: ${check.fix}`, `        see: ${check.reference}`)
      }
    }
  }
  const passed = report.checks.filter((check) => check.status === 'pass').length
  lines.push(
    '',
    `${report.result === 'pass' ? 'PASS' : 'FAIL'}: ${plural(report.failures, 'failure')}, ` +
      `${plural(report.warnings, 'warning')}, ${passed} passed, in ${formatDuration(report.durationMs)}` +
      (report.failOn === 'warning' ? ' (fail-on: warning)' : ''),
  )
  // Everything from the server is made printable: no terminal escape sequence gets through.
  return `${printable(lines.join('\n'))}\n`
}
