import type { Exchange, Finding } from '../model.js'
import { passed, violated } from './catalogue.js'
import { describeResponse, excerpt, isJsonObject, parseJson, shown } from './response.js'

/** Checks the Orders feed response to a request carrying the access token. */
export function checkOrdersFeedAuthorized(exchange: Exchange): Finding {
  if (exchange.status !== 200) {
    return violated(
      'orders-feed.authorized',
      `The Orders feed refused the access token: ${describeResponse(exchange)}.`,
    )
  }
  const page = parseJson(exchange.responseBody)
  if (!isJsonObject(page)) {
    return violated(
      'orders-feed.authorized',
      `The Orders feed answered 200, but not with a JSON object: ${excerpt(exchange.responseBody)}.`,
    )
  }
  const problems: string[] = []
  if (!Array.isArray(page.items)) problems.push(`items is ${shown(page.items)}, not an array`)
  if (typeof page.next !== 'string' || page.next === '')
    problems.push(`next is ${shown(page.next)}, not a URL`)
  if (problems.length > 0) {
    return violated(
      'orders-feed.authorized',
      `The Orders feed answered 200, but not with an RPDE page: ${problems.join('; ')}.`,
    )
  }
  const items = page.items as unknown[]
  return passed('orders-feed.authorized', `200 with an RPDE page of ${items.length} item(s).`)
}

/** Checks the Orders feed response to a request without any token. */
export function checkOrdersFeedRejectsNoToken(exchange: Exchange): Finding {
  if (exchange.status === 401 || exchange.status === 403) {
    return passed('orders-feed.rejects-no-token', `Refused with ${exchange.status}.`)
  }
  if (exchange.error) {
    return violated(
      'orders-feed.rejects-no-token',
      `No answer to a request without a token: ${exchange.error.message}.`,
    )
  }
  const open = exchange.status === 200 ? ' Anyone can read the Orders feed.' : ''
  return violated(
    'orders-feed.rejects-no-token',
    `A request without a token got ${describeResponse(exchange)}; expected 401 or 403.${open}`,
  )
}
