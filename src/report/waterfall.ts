import { escapeCell } from './escape.js'
import type { Report } from './model.js'
import { formatDuration } from './text.js'

/** The width of the longest bar, in characters. */
const WIDTH = 40
/** More rows than this would bury the summary; the transcript and JSON report list them all. */
const MAX_ROWS = 60

/**
 * Every request on one time line: when it started after the first one, how long it took, and a
 * bar of `█` (the request) after `░` (the time before it started), so a slow request stands
 * out. The slowest is marked.
 */
export function renderWaterfall(report: Report): string {
  const exchanges = report.exchanges
  if (exchanges.length === 0) return ''
  const origin = Math.min(...exchanges.map((exchange) => exchange.startedAt))
  const end = Math.max(...exchanges.map((exchange) => exchange.startedAt + exchange.durationMs))
  const span = Math.max(end - origin, 1)
  const slowest = exchanges.reduce((a, b) => (b.durationMs > a.durationMs ? b : a))

  const rows = exchanges.slice(0, MAX_ROWS).map((exchange, index) => {
    const start = exchange.startedAt - origin
    const offset = Math.min(Math.round((start / span) * WIDTH), WIDTH - 1)
    const length = Math.max(1, Math.round((exchange.durationMs / span) * WIDTH))
    const bar = `${'░'.repeat(offset)}${'█'.repeat(Math.min(length, WIDTH - offset))}`
    const result = exchange.error ? exchange.error.code : String(exchange.status)
    const time = formatDuration(exchange.durationMs)
    return (
      `| ${index + 1} | ${escapeCell(exchange.label)} | ${escapeCell(exchange.method)} | ` +
      `${escapeCell(result)} | +${formatDuration(start)} | ` +
      `${exchange === slowest ? `**${time}** (slowest)` : time} | \`${bar}\` |`
    )
  })
  const more =
    exchanges.length > MAX_ROWS
      ? ['', `${exchanges.length - MAX_ROWS} more requests are not drawn.`]
      : []
  return [
    '### Waterfall',
    '',
    `${exchanges.length} requests in ${formatDuration(span)}.`,
    '',
    '| # | Request | Method | Result | Start | Time | Timeline |',
    '| ---: | --- | --- | --- | ---: | ---: | --- |',
    ...rows,
    ...more,
  ].join('\n')
}
