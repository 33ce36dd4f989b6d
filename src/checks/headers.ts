import type { Exchange, Finding } from '../model.js'
import { type CheckId, passed, violated } from './catalogue.js'
import { header } from './response.js'

/** A response carrying a secret must not be cached (RFC 6749 §5.1; RFC 7591 §3.2.1). */
export function checkNoStore(exchange: Exchange, id: CheckId): Finding {
  const cacheControl = header(exchange, 'cache-control')
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((item) => item.trim())
  if (directives.includes('no-store'))
    return passed(id, `Cache-Control is ${JSON.stringify(cacheControl)}.`)
  const seen = cacheControl === undefined ? 'absent' : JSON.stringify(cacheControl)
  return violated(id, `Cache-Control is ${seen}; a response carrying a secret needs no-store.`)
}
