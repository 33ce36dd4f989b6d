import type { Middleware } from 'oidc-provider'

import type { PlainAnswer } from './answer.js'
import { ACCESS_TOKEN_FAULTS } from './faults/access-token.js'
import { AUTHORIZATION_FAULTS } from './faults/authorization.js'
import { DISCOVERY_FAULTS } from './faults/discovery.js'
import { JWKS_FAULTS } from './faults/jwks.js'
import { ORDERS_FEED_FAULTS } from './faults/orders-feed.js'
import { REGISTRATION_FAULTS } from './faults/registration.js'
import { TOKEN_FAULTS } from './faults/token.js'
import type { FaultBehaviour, FaultEnvironment, OrdersFeedRequest } from './faults/types.js'
import { ROUTES } from './openactive.js'

export type { FaultEnvironment }

// One entry per fault, grouped by the stage of a booking partner's visit where it shows: adding a
// fault is adding an entry to one of these tables.
const BEHAVIOURS = {
  ...DISCOVERY_FAULTS,
  ...JWKS_FAULTS,
  ...REGISTRATION_FAULTS,
  ...TOKEN_FAULTS,
  ...ACCESS_TOKEN_FAULTS,
  ...ORDERS_FEED_FAULTS,
  ...AUTHORIZATION_FAULTS,
} satisfies Record<string, FaultBehaviour>

/** A named way in which the reference server can be made to break the OpenActive profile. */
export type Fault = keyof typeof BEHAVIOURS

/** Every fault the reference server can simulate, stage by stage. */
export const FAULTS: readonly Fault[] = Object.freeze(Object.keys(BEHAVIOURS) as Fault[])

/** A fault that shows only when a seller authorizes a partner (the authorization code flow). */
export type AuthorizationFault = keyof typeof AUTHORIZATION_FAULTS

/** The faults that show only when a seller authorizes a partner (the authorization code flow). */
export const AUTHORIZATION_FAULT_NAMES: readonly Fault[] = Object.freeze(
  Object.keys(AUTHORIZATION_FAULTS) as Fault[],
)

/** Whether the seller's consent is remembered from one login to the next under `faults`. */
export function remembersConsent(faults: ReadonlySet<Fault>): boolean {
  return !behaviours(faults).some((behaviour) => behaviour.forgetsConsent)
}

/** Whether `name` is one of {@link FAULTS}; for checking command-line and other untyped input. */
export function isFault(name: string): name is Fault {
  return Object.hasOwn(BEHAVIOURS, name)
}

/** One line saying what `fault` breaks. */
export function describeFault(fault: Fault): string {
  return BEHAVIOURS[fault].description
}

function behaviours(faults: ReadonlySet<Fault>): FaultBehaviour[] {
  return [...faults].map((fault): FaultBehaviour => BEHAVIOURS[fault])
}

/**
 * Builds the Koa middleware that applies the active faults' rewrites to oidc-provider, for
 * `provider.use(...)`.
 */
export function faultMiddleware(faults: ReadonlySet<Fault>, env: FaultEnvironment): Middleware {
  const rewrites = behaviours(faults).flatMap((behaviour) =>
    behaviour.provider ? [behaviour.provider] : [],
  )

  return async (ctx, next) => {
    const answer = async (): Promise<void> => {
      await next()
      for (const { route, after } of rewrites) {
        if (after && ctx.oidc?.route === route) await after(ctx, env)
      }
    }

    // The first active fault's `around` is outermost.
    const chain = rewrites
      .flatMap(({ route, around }) => (around && ctx.path === ROUTES[route] ? [around] : []))
      .reduceRight<() => Promise<void>>((inner, around) => () => around(ctx, env, inner), answer)
    await chain()
  }
}

/** How the active faults change the Orders feed; both functions do nothing without such faults. */
export interface OrdersFeedFaults {
  /** The token to verify in place of the one received; undefined when it cannot be valid. */
  token(received: string): string | undefined
  /** The answer to give in place of the one the feed would give. */
  answer(answer: PlainAnswer, request: OrdersFeedRequest): PlainAnswer
}

/** Gathers the active faults' changes to the Orders feed. */
export function ordersFeedFaults(
  faults: ReadonlySet<Fault>,
  env: FaultEnvironment,
): OrdersFeedFaults {
  const rewrites = behaviours(faults).flatMap((behaviour) =>
    behaviour.ordersFeed ? [behaviour.ordersFeed] : [],
  )

  return {
    token: (received) =>
      rewrites.reduce<string | undefined>(
        (token, rewrite) =>
          token !== undefined && rewrite.token ? rewrite.token(token, env) : token,
        received,
      ),
    answer: (answer, request) =>
      rewrites.reduce((current, rewrite) => rewrite.answer?.(current, request) ?? current, answer),
  }
}

/** The extra pages the active faults serve, by path. */
export function faultPages(faults: ReadonlySet<Fault>): ReadonlyMap<string, PlainAnswer> {
  return new Map(behaviours(faults).flatMap((behaviour) => Object.entries(behaviour.pages ?? {})))
}
