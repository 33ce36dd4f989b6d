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
import type { StageContext, StageRunner } from './context.js'

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
  const findings: Finding[] = []
  const token = state.accessToken
  const get = (label: string, bearer?: string, target = url) => read(context, target, label, bearer)

  if (token) {
    const authorized = await get('Orders feed with the access token', token)
    findings.push(...checkOrdersFeedAuthorized(authorized))
    const { page } = rpdePage(authorized)
    const next = page && nextPageUrl(url, page)
    if (next?.url)
      findings.push(checkNextPage(await get('Orders feed, next page', token, next.url)))
    else if (next?.problem)
      findings.push(skipped('orders-feed.next-page', `Not followed: ${next.problem}.`))
  }

  const refusals: Exchange[] = []
  const refuse = async (
    id: CheckId & `orders-feed.rejects-${string}`,
    what: string,
    bearer?: string,
  ) => {
    const exchange = await get(`Orders feed ${what}`, bearer)
    refusals.push(exchange)
    findings.push(checkRefused(exchange, id, what))
  }
  await refuse('orders-feed.rejects-no-token', 'without a token')
  if (token) {
    const tampered = tamperedToken(token)
    context.secrets.add(tampered)
    await refuse('orders-feed.rejects-tampered-token', 'with a tampered token', tampered)
    const expired = expiredLookingToken(token, decodeJwt(token)?.claims, context.now())
    if (expired) {
      context.secrets.add(expired)
      await refuse('orders-feed.rejects-expired-token', 'with an expired token', expired)
    } else {
      findings.push(
        skipped('orders-feed.rejects-expired-token', 'Not applicable: the access token is opaque.'),
      )
    }
  } else {
    for (const id of TOKEN_CHECKS) findings.push(skipped(id, 'Skipped: there is no access token.'))
  }
  findings.push(checkChallenges(refusals))
  return findings
}

function read(
  context: StageContext,
  url: string,
  label: string,
  bearer?: string,
): Promise<Exchange> {
  return context.http.send({
    stage: 'orders-feed',
    label,
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
