import { cut, escapeCell } from './escape.js'
import type { Report } from './model.js'

/** A claim value longer than this is cut in the table. */
const VALUE_LIMIT = 300
/** The JWT claims that are times (seconds since the epoch), shown as dates too. */
const TIMES = new Set(['exp', 'nbf', 'iat', 'auth_time'])

/**
 * The access token as a booking partner's code sees it: its JOSE header and claims in a table.
 * The signature is never shown, and the report has already redacted every value.
 */
export function renderAccessToken(report: Report): string {
  const token = report.accessToken
  if (!token) return ''
  const heading = '### Access token'
  if (token.kind === 'opaque') {
    return `${heading}\n\nAn opaque token (not a JWT), which OpenActive allows: there is nothing to decode.`
  }
  if (token.kind === 'malformed') {
    return `${heading}\n\nNot a well-formed JWT: ${escapeCell(token.problem)}.`
  }
  const rows = [
    ...token.header.map(([name, value]) => row('header', name, value)),
    ...token.claims.map(([name, value]) => row('claims', name, value)),
  ]
  return [
    heading,
    '',
    'Decoded without the signature, which is left out.',
    '',
    '| Part | Name | Value |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n')
}

function row(part: string, name: string, value: string): string {
  const seconds = Number(value)
  const date =
    TIMES.has(name) && /^\d+(\.\d+)?$/.test(value) && seconds < 1e11
      ? ` (${new Date(seconds * 1000).toISOString()})`
      : ''
  return `| ${part} | <code>${escapeCell(name)}</code> | ${escapeCell(cut(value, VALUE_LIMIT))}${date} |`
}
