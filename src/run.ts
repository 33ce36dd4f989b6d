import { checksOfStage, skipped } from './checks/catalogue.js'
import type { Config } from './config.js'
import { HttpClient } from './http.js'
import { type Finding, type Stage, STAGE_TITLES } from './model.js'
import { buildReport, type Report, stageStatus } from './report/model.js'
import { type Lookup, systemLookup } from './net/guard.js'
import { Secrets } from './secrets.js'
import { accessToken } from './stages/access-token.js'
import { authorization } from './stages/authorization.js'
import type { RunState, StageContext, StageRunner } from './stages/context.js'
import { discovery } from './stages/discovery.js'
import { jwks } from './stages/jwks.js'
import { ordersFeed } from './stages/orders-feed.js'
import { deleteRegisteredClients, registration } from './stages/registration.js'
import { token } from './stages/token.js'

const RUNNERS: [Stage, StageRunner][] = [
  ['discovery', discovery],
  ['jwks', jwks],
  ['registration', registration],
  ['token', token],
  ['access-token', accessToken],
  ['orders-feed', ordersFeed],
  ['authorization', authorization],
]

/**
 * Stages that only later stages' checks need: the JWKS is fetched beside registration, and the
 * access token is verified while the Orders feed is read with it.
 */
const RUNS_BESIDE_NEXT = new Set<Stage>(['jwks', 'access-token'])

export interface RunOptions {
  /** Told about every secret as soon as it is known, e.g. `core.setSecret`. */
  onSecret?: (value: string) => void
  /** One line per stage, for a log a person reads. Never given a secret. */
  log?: (line: string) => void
  /** The clock; a fixed one makes time checks reproducible. */
  now?: () => number
  /** The resolver for the SSRF guard; tests inject one so they need no DNS. */
  lookup?: Lookup
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
  secrets.add(config.seller?.username)
  secrets.add(config.seller?.password)

  const now = options.now ?? Date.now
  const context: StageContext = {
    config,
    http: new HttpClient({
      timeoutMs: config.requestTimeoutMs,
      caCertificate: config.caCertificate,
      budgetMs: config.runTimeoutMs,
      lookup: options.lookup,
    }),
    secrets,
    now,
    lookup: options.lookup ?? systemLookup,
  }
  const state: RunState = {}
  const findings: Finding[] = []
  const timings: Partial<Record<Stage, number>> = {}
  const started = performance.now()
  const startedAt = new Date(now())

  // A stage's findings sit in an object so that awaiting the stage waits only until later
  // stages can go on, not for its probes.
  const runStage = async (
    stage: Stage,
    runner: StageRunner,
  ): Promise<{ findings: Promise<Finding[]> }> => {
    const stageStarted = performance.now()
    const outcome = await runner(context, state)
    const all =
      typeof outcome === 'string' || Array.isArray(outcome)
        ? Promise.resolve(outcome)
        : outcome.later.then((later) => [...outcome.findings, ...later])
    const findings = all.then((found) => {
      timings[stage] = Math.round(performance.now() - stageStarted)
      return typeof found === 'string'
        ? checksOfStage(stage).map((id) => skipped(id, `Skipped: ${found}.`))
        : completeStage(stage, found)
    })
    return { findings }
  }

  // Stages run in order, each once the one before is ready; one that only later stages need
  // runs beside the next. Findings are collected, and logged, in stage order all the same.
  const running: Promise<{ findings: Promise<Finding[]> }>[] = []
  const collected: Promise<Finding[]>[] = []
  let logged = Promise.resolve()
  for (const [stage, runner] of RUNNERS) {
    const run = runStage(stage, runner)
    const stageFindings = run.then((ran) => ran.findings)
    // A bug of ours in a stage's later findings surfaces below, where they are collected, as
    // the run's error: not earlier, as an unhandled rejection that would end the process.
    stageFindings.catch(() => undefined)
    running.push(run)
    collected.push(stageFindings)
    logged = logged
      .then(() => stageFindings)
      .then((done) =>
        options.log?.(`${STAGE_TITLES[stage]}: ${stageStatus(done)} (${timings[stage]} ms)`),
      )
      .catch(() => undefined)
    if (!RUNS_BESIDE_NEXT.has(stage)) await Promise.all(running)
  }
  for (const stageFindings of collected) findings.push(...(await stageFindings))
  await logged

  // Clean up last, so every stage could use the client.
  const deleted = await deleteRegisteredClients(context, state)
  if (deleted)
    findings.splice(
      findings.findIndex((finding) => finding.id === deleted.id),
      1,
      deleted,
    )

  return buildReport({
    config,
    findings,
    exchanges: context.http.exchanges,
    timings,
    clientId: state.client?.clientId,
    accessToken: state.accessToken,
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
