import { parseJson, printable, stringify } from '../checks/response.js'
import { type Exchange, STAGE_TITLES, STAGES, type Stage } from '../model.js'
import { byteLength, escapeHtml } from './escape.js'
import type { Report } from './model.js'
import { formatDuration, plural } from './text.js'

/** Bodies longer than this are cut in the transcript. */
export const BODY_LIMIT = 8000
/** The cut applied instead when a full exchange no longer fits the summary's size budget. */
const TIGHT_BODY_LIMIT = 500
/** A header value longer than this is cut: a server can send kilobytes in one header. */
const HEADER_LIMIT = 1000

/**
 * The redacted request/response transcript, one collapsed section per request, grouped by
 * stage, within `budgetBytes` of UTF-8. Bodies are cut at {@link BODY_LIMIT} characters; when an
 * exchange would overrun the budget its bodies are cut harder, and when even that does not fit,
 * the remaining requests are left out with a note saying how many and why.
 */
export function renderTranscript(report: Report, budgetBytes: number): string {
  const lines = ['### Requests and responses', '', 'Secrets are shown as `[REDACTED]`.']
  let used = byteLength(lines.join('\n'))
  // Room kept for the closing note, so that it always fits.
  const budget = budgetBytes - 400
  let left = 0
  let stage: Stage | undefined

  // Stages overlap, so requests are grouped by stage here; each stage's in the order sent.
  const byStage = [...report.exchanges].sort(
    (a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage),
  )
  byStage.forEach((exchange) => {
    if (left > 0) {
      left++
      return
    }
    const heading = exchange.stage === stage ? [] : ['', `#### ${STAGE_TITLES[exchange.stage]}`]
    const size = (text: string) => byteLength([...heading, '', text].join('\n')) + 1
    let section = renderExchange(exchange, BODY_LIMIT)
    if (used + size(section) > budget) section = renderExchange(exchange, TIGHT_BODY_LIMIT)
    if (used + size(section) > budget) {
      left = 1
      return
    }
    lines.push(...heading, '', section)
    used += size(section)
    stage = exchange.stage
  })

  if (left > 0) {
    lines.push(
      '',
      `**${plural(left, 'more request')} left out**: the job summary must stay under GitHub's ` +
        `1 MiB limit. The JSON report lists every request.`,
    )
  }
  return lines.join('\n')
}

/** One request and its response in a collapsed section, everything HTML-escaped. */
export function renderExchange(exchange: Exchange, bodyLimit: number): string {
  const outcome = exchange.error ? exchange.error.code : `HTTP ${exchange.status}`
  const request = [
    `${exchange.method} ${exchange.url}`,
    ...headerLines(exchange.requestHeaders),
    ...(exchange.requestBody ? ['', pretty(exchange.requestBody, bodyLimit)] : []),
  ]
  const response = exchange.error
    ? [`No response: ${exchange.error.message}`]
    : [
        `HTTP ${exchange.status}`,
        ...headerLines(exchange.responseHeaders),
        '',
        pretty(exchange.responseBody, bodyLimit),
      ]
  return [
    '<details>',
    `<summary>${escapeHtml(exchange.label)}: ${escapeHtml(exchange.method)} → ${escapeHtml(outcome)} (${formatDuration(exchange.durationMs)})</summary>`,
    '',
    `<pre>${escapeHtml(printable(request.join('\n')))}</pre>`,
    `<pre>${escapeHtml(printable(response.join('\n')))}</pre>`,
    '',
    '</details>',
  ].join('\n')
}

function headerLines(headers: Record<string, string | string[] | undefined>): string[] {
  return Object.entries(headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      const text = Array.isArray(value) ? value.join(', ') : (value ?? '')
      return `${name}: ${cutText(text, HEADER_LIMIT)}`
    })
}

function pretty(body: string, limit: number): string {
  const parsed = parseJson(body)
  const text = printable(parsed === undefined ? body : stringify(parsed, 2))
  return cutText(text, limit)
}

function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text
  return `${text.slice(0, limit)}\n… (${text.length - limit} more characters cut to keep the summary within the size GitHub accepts)`
}
