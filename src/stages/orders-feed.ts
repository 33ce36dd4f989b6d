import { skipped } from '../checks/catalogue.js'
import { checkOrdersFeedAuthorized, checkOrdersFeedRejectsNoToken } from '../checks/orders-feed.js'
import type { StageRunner } from './context.js'

/** The Accept header the OpenActive test suite's Broker sends to the Orders feed. */
const ACCEPT = 'application/vnd.openactive.booking+json; version=1, application/json'

/** GET the Orders feed with the access token, then without any token. */
export const ordersFeed: StageRunner = async ({ config, http }, state) => {
  const url = config.ordersFeedUrl
  if (!url) return 'no orders-feed-url was given'

  const findings = []
  if (state.accessToken) {
    const authorized = await http.send({
      stage: 'orders-feed',
      label: 'Orders feed with the access token',
      method: 'GET',
      url,
      // Always "Bearer" as RFC 6750 spells it, never the server's token_type echoed back.
      headers: {
        authorization: `Bearer ${state.accessToken}`,
        accept: ACCEPT,
        'cache-control': 'max-age=0',
      },
    })
    findings.push(checkOrdersFeedAuthorized(authorized))
  } else {
    findings.push(skipped('orders-feed.authorized', 'Skipped: there is no access token.'))
  }

  const anonymous = await http.send({
    stage: 'orders-feed',
    label: 'Orders feed without a token',
    method: 'GET',
    url,
    headers: { accept: ACCEPT, 'cache-control': 'max-age=0' },
  })
  findings.push(checkOrdersFeedRejectsNoToken(anonymous))
  return findings
}
