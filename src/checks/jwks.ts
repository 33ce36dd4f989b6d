import type { Exchange, Finding } from '../model.js'
import { passed, violated } from './catalogue.js'
import { describeResponse, isJsonObject, type JsonObject, parseJson, shown } from './response.js'

export interface KeySet {
  keys: JsonObject[]
}

/** Checks the JWKS response; returns the key set when it has a `keys` array. */
export function checkJwks(exchange: Exchange): { findings: Finding[]; jwks?: KeySet } {
  if (exchange.status !== 200) {
    return {
      findings: [
        violated(
          'jwks.reachable',
          `Expected 200 from jwks_uri ${exchange.url}; got ${describeResponse(exchange)}.`,
        ),
      ],
    }
  }
  const findings = [passed('jwks.reachable', `${exchange.url} answered 200.`)]

  const document = parseJson(exchange.responseBody)
  if (!isJsonObject(document) || !Array.isArray(document.keys)) {
    const what = document === undefined ? 'is not JSON' : `has no "keys" array (${shown(document)})`
    findings.push(violated('jwks.key-set', `The JWKS ${what}.`))
    return { findings }
  }
  const keys = document.keys.filter(isJsonObject)
  const kids = keys.map((key) => (typeof key.kid === 'string' ? key.kid : '(no kid)'))
  findings.push(
    passed(
      'jwks.key-set',
      `The JWKS has ${keys.length} key(s)${kids.length ? `: ${kids.join(', ')}` : ''}.`,
    ),
  )
  return { findings, jwks: { keys } }
}
