import { checksOfStage, skipped } from './checks/catalogue.js'
import type { Config } from './config.js'
import { HttpClient } from './http.js'
import { type Finding, type Stage, STAGE_TITLES } from './model.js'
import { buildReport, type Report, stageStatus } from './report/model.js'
import { Secrets } from './secrets.js'
import { accessToken } from './stages/access-token.js'
import type { RunState, StageContext, StageRunner } from './stages/context.js'
import { discovery } from './stages/discovery.js'
import { jwks } from './stages/jwks.js'
import { ordersFeed } from './stages/orders-feed.js'
import { registration } from './stages/registration.js'
import { token } from './stages/token.js'

const RUNNERS: [Stage, StageRunner][] = [
  ['discovery', discovery],
  ['jwks', jwks],
  ['registration', registration],
  ['token', token],
  ['access-token', accessToken],
  ['orders-feed', ordersFeed],
]

export interface RunOptions {
  /** Told about every secret as soon as it is known, e.g. `core.setSecret`. */
  onSecret?: (value: string) => void
  /** One line per stage, for a log a person reads. Never given a secret. */
  log?: (line: string) => void
  /** The clock; a fixed one makes time checks reproducible. */
  now?: () => number
}

/**
 * Checks a booking system's auth server the way a booking partner uses it: each stage in
 * order, a stage that cannot run reported as skipped with the reason. Never throws for
 * anything the server does.
 */
export async function runCheck(config: Config, options: RunOptions = {}): Promise<Report> {
  const secrets = new Secrets(options.onSecret)
  secrets.add(config.initialAccessToken)
  secrets.add(config.clientSecret)
  if (config.clientId && config.clientSecret) secrets.addBasic(config.clientId, config.clientSecret)

  const now = options.now ?? Date.now
  const context: StageContext = {
    config,
    http: new HttpClient({
      timeoutMs: config.requestTimeoutMs,
      caCertificate: config.caCertificate,
    }),
    secrets,
    now,
  }
  const state: RunState = {}
  const findings: Finding[] = []
  const timings: Partial<Record<Stage, number>> = {}
  const started = performance.now()
  const startedAt = new Date(now())

  for (const [stage, runner] of RUNNERS) {
    const stageStarted = performance.now()
    const outcome = await runner(context, state)
    const stageFindings =
      typeof outcome === 'string'
        ? checksOfStage(stage).map((id) => skipped(id, `Skipped: ${outcome}.`))
        : completeStage(stage, outcome)
    findings.push(...stageFindings)
    timings[stage] = Math.round(performance.now() - stageStarted)
    options.log?.(`${STAGE_TITLES[stage]}: ${stageStatus(stageFindings)} (${timings[stage]} ms)`)
  }

  return buildReport({
    config,
    findings,
    exchanges: context.http.exchanges,
    timings,
    clientId: state.client?.clientId,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    secrets,
  })
}

/**
 * Every check of the stage, in catalogue order: a check the stage did not reach is reported as
 * skipped, naming the failure that stopped it, so each report lists each check once.
 */
function completeStage(stage: Stage, findings: Finding[]): Finding[] {
  const failed = findings.find((finding) => finding.status === 'fail')
  const why = failed ? `Not checked, because ${failed.id} failed.` : 'Not applicable to this run.'
  return checksOfStage(stage).map(
    (id) => findings.find((finding) => finding.id === id) ?? skipped(id, why),
  )
}
