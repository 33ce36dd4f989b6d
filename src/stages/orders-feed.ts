import { decodeJwt } from '../checks/access-token.js'
import { type CheckId, skipped } from '../checks/catalogue.js'
import {
  checkChallenges,
  checkNextPage,
  checkOrdersFeedAuthorized,
  checkRefused,
  expiredLookingToken,
  nextPageUrl,
  rpdePage,
  tamperedToken,
} from '../checks/orders-feed.js'
import type { Exchange, Finding } from '../model.js'
import type { RunState, StageContext, StageRunner } from './context.js'

/** The checks that need an access token. */
const TOKEN_CHECKS: CheckId[] = [
  'orders-feed.authorized',
  'orders-feed.content-type',
  'orders-feed.next-page',
  'orders-feed.rejects-tampered-token',
  'orders-feed.rejects-expired-token',
]

/** The Accept header the OpenActive test suite's Broker sends to the Orders feed. */
const ACCEPT = 'application/vnd.openactive.booking+json; version=1, application/json'

/**
 * GET the Orders feed with the access token (and its next page), then without a token, with
 * the token's signature tampered with, and with its exp moved into the past: all refused.
 */
export const ordersFeed: StageRunner = async (context, state) => {
  const url = context.config.ordersFeedUrl
  if (!url) return 'no orders-feed-url was given'
  // No later stage needs the feed: it is read beside the seller's authorization.
  return { findings: [], later: readFeed(context, state, url) }
}

async function readFeed(context: StageContext, state: RunState, url: string): Promise<Finding[]> {
  const findings: Finding[] = []
  const token = state.accessToken
  const get = (label: string, bearer?: string, target = url) => read(context, target, label, bearer)

  // The refusals need nothing from the authorized read: all of them run side by side.
  const authorizedRead = token ? readAuthorized(context, url, token) : undefined
  const tampered = token ? tamperedToken(token) : undefined
  const expired = token
    ? expiredLookingToken(token, decodeJwt(token)?.claims, context.now())
    : undefined
  context.secrets.add(tampered)
  context.secrets.add(expired)
  type Attempt = [CheckId & `orders-feed.rejects-${string}`, string, string | undefined]
  const attempts: Attempt[] = [['orders-feed.rejects-no-token', 'without a token', undefined]]
  if (tampered)
    attempts.push(['orders-feed.rejects-tampered-token', 'with a tampered token', tampered])
  if (expired)
    attempts.push(['orders-feed.rejects-expired-token', 'with an expired token', expired])
  const refusals = await Promise.all(
    attempts.map(([, what, bearer]) => get(`Orders feed ${what}`, bearer)),
  )

  if (authorizedRead) findings.push(...(await authorizedRead))
  attempts.forEach(([id, what], index) => findings.push(checkRefused(refusals[index], id, what)))
  if (token && !expired) {
    findings.push(
      skipped('orders-feed.rejects-expired-token', 'Not applicable: the access token is opaque.'),
    )
  }
  if (!token) {
    for (const id of TOKEN_CHECKS) findings.push(skipped(id, 'Skipped: there is no access token.'))
  }
  findings.push(checkChallenges(refusals))
  return findings
}

/** GET the feed with the access token, then its next page. */
async function readAuthorized(
  context: StageContext,
  url: string,
  token: string,
): Promise<Finding[]> {
  const authorized = await read(context, url, 'Orders feed with the access token', token, true)
  const findings = checkOrdersFeedAuthorized(authorized)
  const { page } = rpdePage(authorized)
  const next = page && nextPageUrl(url, page)
  if (next?.url) {
    const nextPage = await read(context, next.url, 'Orders feed, next page', token, true)
    findings.push(checkNextPage(nextPage))
  } else if (next?.problem) {
    findings.push(skipped('orders-feed.next-page', `Not followed: ${next.problem}.`))
  }
  return findings
}

function read(
  context: StageContext,
  url: string,
  label: string,
  bearer?: string,
  critical = false,
): Promise<Exchange> {
  return context.http.send({
    stage: 'orders-feed',
    label,
    critical,
    method: 'GET',
    url,
    // Always "Bearer" as RFC 6750 spells it, never the server's token_type echoed back.
    headers: {
      ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      accept: ACCEPT,
      'cache-control': 'max-age=0',
    },
  })
}
