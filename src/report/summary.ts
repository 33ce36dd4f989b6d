import { STAGE_TITLES } from '../model.js'
import { renderAccessToken } from './access-token.js'
import { byteLength, escapeCell, escapeHtml, fitBytes } from './escape.js'
import type { Report } from './model.js'
import { formatDuration, plural, STATUS_ICONS } from './text.js'
import { renderTranscript } from './transcript.js'
import { renderWaterfall } from './waterfall.js'

export { escapeHtml }

/**
 * GitHub drops a step summary over 1 MiB (1,048,576 bytes) whole; this leaves room for the
 * summary's own framing and for anything else the step appends.
 */
export const SUMMARY_LIMIT_BYTES = 1_000_000

const CUT_NOTE = '**The rest is cut**: it would exceed the size GitHub accepts here.'

export interface SummaryOptions {
  /** docs/checks.md, to link each check id to its entry. */
  docsUrl?: string
  /** The size the summary must stay under, in UTF-8 bytes (a check run's output takes 65,535). */
  maxBytes?: number
}

/**
 * The GitHub job summary (Markdown with HTML): the verdict, the stages, the findings, the
 * decoded access token and the waterfall of requests, then the redacted request/response
 * transcript per stage in collapsed sections, cut to stay under `maxBytes`. Everything that came
 * from the server or the inputs is HTML-escaped.
 */
export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? SUMMARY_LIMIT_BYTES
  const head = [
    verdict(report),
    stagesTable(report),
    findingsTable(report, options.docsUrl),
    renderAccessToken(report),
    renderWaterfall(report),
  ]
    .filter((section) => section !== '')
    .join('\n\n')
  const rest = maxBytes - byteLength(head) - 2
  const markdown = rest > 1000 ? `${head}\n\n${renderTranscript(report, rest - 1)}` : head
  return `${fitBytes(markdown, maxBytes - 1, CUT_NOTE)}\n`
}

/** The anchor GitHub gives the heading of a check in docs/checks.md. */
export function checkAnchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 _-]/g, '')
}

function verdict(report: Report): string {
  const icon = report.result === 'pass' ? '✅' : '❌'
  const word = report.result === 'pass' ? 'passed' : 'failed'
  const count = (status: string) => report.checks.filter((check) => check.status === status).length
  const failOn = report.failOn === 'warning' ? ' (warnings fail the run: `fail-on: warning`)' : ''
  return [
    `## ${icon} OpenActive auth check ${word}`,
    '',
    `**${escapeHtml(report.issuer)}**: ${plural(report.failures, 'failure')}, ${plural(report.warnings, 'warning')}, ` +
      `${count('pass')} passed, in ${formatDuration(report.durationMs)}${failOn}.` +
      (report.clientId ? ` Client: <code>${escapeCell(report.clientId)}</code>.` : ''),
    '',
    `| ${STATUS_ICONS.fail} Failed | ${STATUS_ICONS.warn} Warnings | ${STATUS_ICONS.pass} Passed | ${STATUS_ICONS.skip} Skipped |`,
    '| :---: | :---: | :---: | :---: |',
    `| ${report.failures} | ${report.warnings} | ${count('pass')} | ${count('skip')} |`,
  ].join('\n')
}

function stagesTable(report: Report): string {
  const rows = report.stages.map(
    ({ stage, status, durationMs }) =>
      `| ${STATUS_ICONS[status]} ${status} | ${STAGE_TITLES[stage]} | ${formatDuration(durationMs)} |`,
  )
  return ['### Stages', '', '| Status | Stage | Time |', '| --- | --- | --- |', ...rows].join('\n')
}

function findingsTable(report: Report, docsUrl: string | undefined): string {
  const order = { fail: 0, warn: 1, pass: 2, skip: 3 }
  const sorted = [...report.checks].sort((a, b) => order[a.status] - order[b.status])
  const rows = sorted.map((check) => {
    const id = docsUrl
      ? `[\`${check.id}\`](${docsUrl}#${checkAnchor(check.id)})`
      : `\`${check.id}\``
    const fix =
      check.status === 'fail' || check.status === 'warn'
        ? `<br>**Fix:** ${escapeCell(check.fix)}`
        : ''
    return `| ${STATUS_ICONS[check.status]} ${check.status} | ${id} | ${escapeCell(check.message)}${fix} | ${escapeCell(check.reference)} |`
  })
  return [
    '### Findings',
    '',
    '| Status | Check | Message | Clause |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
}
