import type { Finding, Level, Stage } from '../model.js'
import { ACCESS_TOKEN_CHECKS } from './catalogue/access-token.js'
import { AUTHORIZATION_CHECKS } from './catalogue/authorization.js'
import { DISCOVERY_CHECKS } from './catalogue/discovery.js'
import { JWKS_CHECKS } from './catalogue/jwks.js'
import { ORDERS_FEED_CHECKS } from './catalogue/orders-feed.js'
import { REGISTRATION_CHECKS } from './catalogue/registration.js'
import { TOKEN_CHECKS } from './catalogue/token.js'

/** What a check enforces: the same entry serves the report, the JSON and docs/checks.md. */
export interface CheckDefinition {
  stage: Stage
  /** `must` fails the run when violated; `should` warns; `info` never changes the verdict. */
  level: Level
  /**
   * An RFC MUST that OpenActive booking partners tolerate in practice: a warning by default,
   * a failure with the `strict` input.
   */
  strict?: true
  /** The rule, in one sentence a seller reads. */
  title: string
  /** The spec clause the rule comes from. */
  reference: string
  /** What a seller's engineer changes when the check fails. */
  fix: string
}

/** Every check the tool performs, by stable id, in report order. */
export const CATALOGUE = {
  ...DISCOVERY_CHECKS,
  ...JWKS_CHECKS,
  ...REGISTRATION_CHECKS,
  ...TOKEN_CHECKS,
  ...ACCESS_TOKEN_CHECKS,
  ...ORDERS_FEED_CHECKS,
  ...AUTHORIZATION_CHECKS,
} as const satisfies Record<string, CheckDefinition>

export type CheckId = keyof typeof CATALOGUE

/** A check's definition, typed as the general shape (optional fields visible). */
export function definition(id: CheckId): CheckDefinition {
  return CATALOGUE[id]
}

/** The ids of one stage's checks, in report order. */
export function checksOfStage(stage: Stage): CheckId[] {
  return (Object.keys(CATALOGUE) as CheckId[]).filter((id) => CATALOGUE[id].stage === stage)
}

/** A check held. */
export function passed(id: CheckId, message: string): Finding {
  return make(id, 'pass', message)
}

/**
 * A check did not hold: a failure for a `must`, a warning for a `should`; an `info` check only
 * reports, so it passes with the message.
 */
export function violated(id: CheckId, message: string): Finding {
  const level: Level = CATALOGUE[id].level
  return make(id, level === 'must' ? 'fail' : level === 'should' ? 'warn' : 'pass', message)
}

/** A check could not be performed, or does not apply; the message says why. */
export function skipped(id: CheckId, message: string): Finding {
  return make(id, 'skip', message)
}

function make(id: CheckId, status: Finding['status'], message: string): Finding {
  const { stage, level, reference, fix } = CATALOGUE[id]
  return { id, stage, level, status, message, reference, fix }
}
