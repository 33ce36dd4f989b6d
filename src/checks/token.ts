import type { Exchange, Finding } from '../model.js'
import { passed, skipped, violated } from './catalogue.js'
import { describeResponse, excerpt, isJsonObject, parseJson, shown } from './response.js'

/**
 * Checks a client credentials token response. Returns the access token only when the response
 * is a success that carries one, so nothing later sends `Bearer undefined`.
 */
export function checkTokenResponse(
  exchange: Exchange,
  scope: string,
): { findings: Finding[]; accessToken?: string } {
  if (exchange.status !== 200) {
    return {
      findings: [
        violated(
          'token.succeeded',
          `The client credentials grant was refused: ${describeResponse(exchange)}.`,
        ),
      ],
    }
  }
  const body = parseJson(exchange.responseBody)
  if (!isJsonObject(body)) {
    return {
      findings: [
        violated(
          'token.succeeded',
          `The token endpoint answered 200, but the body is not a JSON object: ${excerpt(exchange.responseBody)}.`,
        ),
      ],
    }
  }
  const accessToken = body.access_token
  if (typeof accessToken !== 'string' || accessToken === '') {
    const errorBody =
      typeof body.error === 'string'
        ? ' Error responses must use 400 (or 401 for invalid_client with Basic authentication), RFC 6749 §5.2.'
        : ''
    return {
      findings: [
        violated(
          'token.succeeded',
          `The token endpoint returned 200 without access_token (${shown(accessToken)}); body: ${excerpt(exchange.responseBody)}.${errorBody}`,
        ),
      ],
    }
  }

  return {
    findings: [
      passed('token.succeeded', 'The client credentials grant returned an access token.'),
      checkTokenType(body.token_type),
      checkScope(body.scope, scope),
    ],
    accessToken,
  }
}

function checkTokenType(tokenType: unknown): Finding {
  if (typeof tokenType === 'string' && tokenType.toLowerCase() === 'bearer') {
    return passed('token.token-type', `token_type is ${shown(tokenType)}.`)
  }
  return violated('token.token-type', `token_type is ${shown(tokenType)}; it must be Bearer.`)
}

function checkScope(scope: unknown, requested: string): Finding {
  if (scope === undefined) {
    return skipped(
      'token.scope',
      'scope is absent, which means the requested scope was granted (RFC 6749 §5.1).',
    )
  }
  if (typeof scope !== 'string') {
    const found = Array.isArray(scope)
      ? ` It lists ${scope.map((item) => shown(item)).join(', ')}.`
      : ''
    return violated(
      'token.scope',
      `scope must be a space-delimited string (got ${Array.isArray(scope) ? 'JSON array' : shown(scope)}).${found}`,
    )
  }
  const missing = requested.split(' ').filter((token) => !scope.split(' ').includes(token))
  if (missing.length > 0) {
    return violated(
      'token.scope',
      `scope is ${shown(scope)}; it does not grant ${shown(missing.join(' '))}.`,
    )
  }
  return passed('token.scope', `scope is ${shown(scope)}.`)
}
