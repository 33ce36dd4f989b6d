import { parseJson, printable, stringify } from '../checks/response.js'
import { type Exchange, STAGE_TITLES, type Stage } from '../model.js'
import type { Report } from './model.js'
import { formatDuration, plural, STATUS_ICONS } from './text.js'

/** Bodies longer than this are cut in the transcript; GitHub drops a summary over 1 MiB whole. */
const BODY_LIMIT = 8000

/**
 * The GitHub job summary (Markdown with HTML): the verdict first, the findings table, then the
 * redacted request/response transcript per stage in collapsed sections. Everything that came
 * from the server or the inputs is HTML-escaped.
 */
export function renderSummary(report: Report, options: { docsUrl?: string } = {}): string {
  const sections = [
    verdict(report),
    stagesTable(report),
    findingsTable(report, options.docsUrl),
    transcript(report),
  ]
  return `${sections.join('\n\n')}\n`
}

/** The anchor GitHub gives the heading of a check in docs/checks.md. */
export function checkAnchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 _-]/g, '')
}

function verdict(report: Report): string {
  const icon = report.result === 'pass' ? '✅' : '❌'
  const word = report.result === 'pass' ? 'passed' : 'failed'
  const passed = report.checks.filter((check) => check.status === 'pass').length
  const failOn = report.failOn === 'warning' ? ' (warnings fail the run: `fail-on: warning`)' : ''
  return [
    `## ${icon} OpenActive auth check ${word}`,
    '',
    `**${escapeHtml(report.issuer)}**: ${plural(report.failures, 'failure')}, ${plural(report.warnings, 'warning')}, ` +
      `${passed} passed, in ${formatDuration(report.durationMs)}${failOn}.` +
      (report.clientId ? ` Client: \`${escapeCell(report.clientId)}\`.` : ''),
  ].join('\n')
}

function stagesTable(report: Report): string {
  const rows = report.stages.map(
    ({ stage, status, durationMs }) =>
      `| ${STATUS_ICONS[status]} ${status} | ${STAGE_TITLES[stage]} | ${formatDuration(durationMs)} |`,
  )
  return ['| Status | Stage | Time |', '| --- | --- | --- |', ...rows].join('\n')
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

function transcript(report: Report): string {
  const sections: string[] = [
    '### Requests and responses',
    '',
    'Secrets are shown as `[REDACTED]`.',
  ]
  const stages = [...new Set(report.exchanges.map((exchange) => exchange.stage))]
  for (const stage of stages) {
    sections.push('', `#### ${STAGE_TITLES[stage as Stage]}`)
    for (const exchange of report.exchanges.filter((item) => item.stage === stage)) {
      sections.push('', renderExchange(exchange))
    }
  }
  return sections.join('\n')
}

function renderExchange(exchange: Exchange): string {
  const outcome = exchange.error ? exchange.error.code : `HTTP ${exchange.status}`
  const request = [
    `${exchange.method} ${exchange.url}`,
    ...headerLines(exchange.requestHeaders),
    ...(exchange.requestBody ? ['', pretty(exchange.requestBody)] : []),
  ]
  const response = exchange.error
    ? [`No response: ${exchange.error.message}`]
    : [
        `HTTP ${exchange.status}`,
        ...headerLines(exchange.responseHeaders),
        '',
        pretty(exchange.responseBody),
      ]
  return [
    '<details>',
    `<summary>${escapeHtml(exchange.label)}: ${exchange.method} → ${escapeHtml(outcome)} (${formatDuration(exchange.durationMs)})</summary>`,
    '',
    `<pre>${escapeHtml(request.join('\n'))}</pre>`,
    `<pre>${escapeHtml(response.join('\n'))}</pre>`,
    '',
    '</details>',
  ].join('\n')
}

function headerLines(headers: Record<string, string | string[] | undefined>): string[] {
  return Object.entries(headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
}

function pretty(body: string): string {
  const parsed = parseJson(body)
  const text = printable(parsed === undefined ? body : stringify(parsed, 2))
  if (text.length <= BODY_LIMIT) return text
  return `${text.slice(0, BODY_LIMIT)}\n… (${text.length - BODY_LIMIT} more characters cut)`
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Escapes text for one Markdown table cell: HTML, pipes and line breaks. */
function escapeCell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, '&#96;')
}
