import type { KeySet } from '../checks/jwks.js'
import type { RegisteredClient } from '../checks/registration.js'
import type { JsonObject } from '../checks/response.js'
import type { Config } from '../config.js'
import type { HttpClient } from '../http.js'
import type { Exchange, Finding } from '../model.js'
import type { Secrets } from '../secrets.js'

/** What every stage is given: the configuration, the one HTTP client, the secrets and a clock. */
export interface StageContext {
  config: Config
  http: HttpClient
  secrets: Secrets
  /** Milliseconds since the epoch; injectable so checks can be tested at a fixed time. */
  now: () => number
}

/** What earlier stages found, for the stages after them. */
export interface RunState {
  metadata?: JsonObject
  jwks?: KeySet
  client?: RegisteredClient
  accessToken?: string
  tokenExchange?: Exchange
}

/**
 * A stage: performs its requests, hands them to its checks, and returns the findings.
 * It returns a string instead when it cannot run, saying what it is missing.
 */
export type StageRunner = (context: StageContext, state: RunState) => Promise<Finding[] | string>

/** A string field of the discovery metadata, if it is one. */
export function endpoint(state: RunState, field: string): string | undefined {
  const value = state.metadata?.[field]
  return typeof value === 'string' && value !== '' ? value : undefined
}
