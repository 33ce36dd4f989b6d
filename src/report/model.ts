import { inspectToken } from '../checks/access-token.js'
import { type CheckId, definition } from '../checks/catalogue.js'
import { stringify } from '../checks/response.js'
import type { Config } from '../config.js'
import { type Exchange, type Finding, type Stage, STAGES, type Status } from '../model.js'
import type { Secrets } from '../secrets.js'
import { TOOL } from '../tool.js'

/** One run's outcome: what every renderer draws from. Every secret is already redacted. */
export interface Report {
  tool: { name: string; version: string }
  issuer: string
  result: 'pass' | 'fail'
  failOn: Config['failOn']
  failures: number
  warnings: number
  startedAt: string
  durationMs: number
  /** The id of the client used; not a secret. */
  clientId?: string
  stages: { stage: Stage; status: Status; durationMs: number }[]
  checks: Finding[]
  exchanges: Exchange[]
  /** The access token as decoded, signature left out; absent when no token was issued. */
  accessToken?: DecodedAccessToken
}

/**
 * The access token's header and claims as `[name, JSON value]` pairs, redacted; or `opaque`
 * (OpenActive allows tokens that are not JWTs), or `malformed` with the reason.
 */
export type DecodedAccessToken =
  | { kind: 'jwt'; header: [string, string][]; claims: [string, string][] }
  | { kind: 'opaque' }
  | { kind: 'malformed'; problem: string }

export interface ReportInput {
  config: Config
  findings: Finding[]
  exchanges: Exchange[]
  timings: Partial<Record<Stage, number>>
  clientId?: string
  startedAt: Date
  durationMs: number
  secrets: Secrets
  /** The access token issued, if any: only its decoded header and claims reach the report. */
  accessToken?: string
}

/**
 * Builds the report and decides the verdict: a failure always fails the run; a warning fails it
 * only with `fail-on: warning`. Everything that came from the server or the inputs passes
 * through the redaction here, once, so no renderer can leak a secret.
 */
export function buildReport(input: ReportInput): Report {
  const redact = (text: string) => input.secrets.redact(text)
  const checks = input.findings.map((finding) => ({
    ...applyStrict(finding, input.config.strict),
    message: redact(finding.message),
  }))
  const exchanges = input.exchanges.map((exchange) => redactExchange(exchange, redact))
  const failures = checks.filter((check) => check.status === 'fail').length
  const warnings = checks.filter((check) => check.status === 'warn').length
  const failed = failures > 0 || (input.config.failOn === 'warning' && warnings > 0)

  return {
    tool: { ...TOOL },
    issuer: input.config.issuer,
    result: failed ? 'fail' : 'pass',
    failOn: input.config.failOn,
    failures,
    warnings,
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    clientId: input.clientId,
    stages: STAGES.map((stage) => ({
      stage,
      status: stageStatus(checks.filter((check) => check.stage === stage)),
      durationMs: input.timings[stage] ?? 0,
    })),
    checks,
    exchanges,
    accessToken: input.accessToken ? decodeAccessToken(input.accessToken, redact) : undefined,
  }
}

/** The token's header and claims, each value redacted; the signature is never kept. */
function decodeAccessToken(token: string, redact: (text: string) => string): DecodedAccessToken {
  const shape = inspectToken(token)
  if (shape.kind !== 'jwt')
    return shape.kind === 'opaque' ? shape : { ...shape, problem: redact(shape.problem) }
  const pairs = (object: Record<string, unknown>): [string, string][] =>
    Object.entries(object).map(([name, value]) => [redact(name), redact(stringify(value))])
  return { kind: 'jwt', header: pairs(shape.header), claims: pairs(shape.claims) }
}

/** Under `strict`, a warning from a check marked strict in the catalogue is a failure. */
function applyStrict(finding: Finding, strict: boolean): Finding {
  if (!strict || finding.status !== 'warn' || !definition(finding.id as CheckId).strict)
    return finding
  return { ...finding, level: 'must', status: 'fail' }
}

/** A stage's status: its worst finding (fail, then warn, then pass); skip when nothing ran. */
export function stageStatus(findings: Finding[]): Status {
  for (const status of ['fail', 'warn', 'pass'] as const) {
    if (findings.some((finding) => finding.status === status)) return status
  }
  return 'skip'
}

function redactExchange(exchange: Exchange, redact: (text: string) => string): Exchange {
  const headers = (record: Record<string, string | string[] | undefined>) =>
    Object.fromEntries(
      // A server can put anything in a header's name too.
      Object.entries(record).map(([name, value]) => [
        redact(name),
        Array.isArray(value) ? value.map(redact) : value === undefined ? value : redact(value),
      ]),
    )
  return {
    ...exchange,
    url: redact(exchange.url),
    requestHeaders: headers(exchange.requestHeaders) as Record<string, string>,
    requestBody: exchange.requestBody === undefined ? undefined : redact(exchange.requestBody),
    responseHeaders: headers(exchange.responseHeaders),
    responseBody: redact(exchange.responseBody),
    error: exchange.error && { ...exchange.error, message: redact(exchange.error.message) },
  }
}

/** The ids of the checks that make the run fail, in report order: failures, and warnings under fail-on. */
export function failingChecks(report: Report): string[] {
  return report.checks
    .filter(
      (check) =>
        check.status === 'fail' || (check.status === 'warn' && report.failOn === 'warning'),
    )
    .map((check) => check.id)
}
