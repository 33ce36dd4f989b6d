import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Exchange, Finding, Stage } from '../../src/model.js'

/** The real-world cases from shared/cases, copied into the repository as fixtures. */
export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cases')

/** The checker clock every case fixes: 2026-12-03T12:00:00Z. */
export const CASE_NOW = 1796299200 * 1000
export const CASE_ISSUER = 'https://auth.booking-system.example'

export function readCase(path: string): unknown {
  const text = readFileSync(join(CASES_DIR, path), 'utf8')
  return path.endsWith('.json') ? JSON.parse(text) : text.trim()
}

/** A case's recorded response ({status, headers, body}) as the exchange a check reads. */
export function caseExchange(
  path: string,
  stage: Stage,
  url = `${CASE_ISSUER}/recorded`,
): Exchange {
  const { status, headers, body } = readCase(path) as {
    status: number
    headers: Record<string, string>
    body: unknown
  }
  return {
    stage,
    label: path,
    method: 'GET',
    url,
    requestHeaders: {},
    status,
    responseHeaders: Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
    ),
    responseBody: typeof body === 'string' ? body : JSON.stringify(body),
    startedAt: 0,
    durationMs: 0,
  }
}

/** The finding with this id; fails the test when there is none or more than one. */
export function findingOf(findings: Finding[], id: string): Finding {
  const matches = findings.filter((finding) => finding.id === id)
  if (matches.length !== 1) {
    throw new Error(
      `expected one finding ${id}, got ${matches.length}: ${findings.map((f) => f.id).join(', ')}`,
    )
  }
  return matches[0]
}

/** The ids of findings with a status, for asserting that nothing else failed or warned. */
export function idsWith(findings: Finding[], status: Finding['status']): string[] {
  return findings.filter((finding) => finding.status === status).map((finding) => finding.id)
}
