import {
  checkBookingScope,
  checkCodeExchange,
  checkCodeReuse,
  checkConsentRemembered,
  checkPkceRefused,
  checkRedirectUriRefused,
  checkRefresh,
  checkState,
  type GrantedTokens,
  loginFailed,
  tokensOf,
} from '../checks/authorization.js'
import { passed, skipped } from '../checks/catalogue.js'
import { checkIdToken } from '../checks/id-token.js'
import type { Config } from '../config.js'
import type { Finding } from '../model.js'
import {
  type Authorization,
  authorizationUrl,
  authorize,
  exchangeCode,
  type Flow,
  refreshTokens,
  wrongVerifier,
} from './authorization-flow.js'
import { endpoint, type RunState, type StageRunner } from './context.js'
import { browserSetup } from './login-browser.js'
import { firstAnswer } from './login-form.js'

/** The first authorization asks for what a booking partner needs (Open Booking API, R12). */
export const BOOKING_PARTNER_SCOPE =
  'openid openactive-openbooking openactive-identity offline_access'
/** The second one asks again for the identity only, as the test suite's persisted test does. */
const SECOND_SCOPE = 'openid openactive-identity'
/** Where no client of the check is registered to be sent: the probe's redirect URI. */
const UNREGISTERED_REDIRECT_URI = 'https://unregistered.invalid/openactive-auth-check/callback'

/**
 * The seller authorization, only with a seller's test login: the authorization code flow with
 * PKCE as a booking partner runs it, twice (the second time with a new login, which should not
 * ask for consent again), with the ID token, the refresh grant and the negative probes.
 */
export const authorization: StageRunner = async (context, state) => {
  const seller = context.config.seller
  if (!seller) return 'not enabled (give seller-username and seller-password to check it)'
  const authorizationEndpoint = endpoint(context, state, 'authorization_endpoint')
  if ('reason' in authorizationEndpoint) return authorizationEndpoint.reason
  const tokenEndpoint = endpoint(context, state, 'token_endpoint')
  if ('reason' in tokenEndpoint) return tokenEndpoint.reason
  if (!state.client) return 'there is no client to authenticate'
  // A missing browser is this tool's setup, not the server's fault: no check can run without it.
  const browser = seller.mode === 'browser' ? browserSetup(seller) : undefined
  if (browser && 'missing' in browser) return browser.missing

  const origins = [
    ...new Set([new URL(authorizationEndpoint.url).origin, new URL(context.config.issuer).origin]),
  ]
  const flow: Flow = {
    context,
    authorizationEndpoint: authorizationEndpoint.url,
    tokenEndpoint: tokenEndpoint.url,
    client: state.client,
    // The way the token stage's grant got its token: the code exchange must authenticate alike.
    clientAuthentication: state.tokenAuthentication ?? 'client_secret_basic',
    seller,
    scope: { origins, redirectUri: seller.redirectUri },
  }

  const findings = [await probeRedirectUri(flow)]
  const first = await authorize(flow, 'First authorization', {
    scope: BOOKING_PARTNER_SCOPE,
    // OpenID Connect Core §11: offline_access needs prompt=consent.
    prompt: 'consent',
  })
  if ('problem' in first)
    // The login stopped the stage: it comes first, so the checks not reached name it.
    return [loginFailed(`The first authorization failed: ${first.problem}.`), ...findings]
  const consent = first.consentShown ? 'after the login and a consent page' : 'after the login'
  findings.push(
    passed(
      'authorization.login',
      `The seller logged in (${seller.mode} mode) and ${consent} the server redirected to the redirect URI with a code.`,
    ),
    checkState(first.redirect, first.state),
  )

  const tokens = await exchangeWithPkceProbe(flow, first, state, findings)
  if (tokens.refreshToken) {
    findings.push(...checkRefresh(await refreshTokens(flow, tokens.refreshToken), tokens).findings)
  }

  findings.push(...(await secondAuthorization(flow)))
  return findings
}

/** An authorization request with a redirect URI nobody registered must stop before the login. */
async function probeRedirectUri(flow: Flow): Promise<Finding> {
  const url = authorizationUrl(
    flow,
    { scope: 'openid', state: 'unregistered-redirect-uri-probe' },
    UNREGISTERED_REDIRECT_URI,
  )
  const { first, loginShown } = await firstAnswer(
    flow.context,
    url,
    'Authorization request with an unregistered redirect URI',
    { ...flow.scope, redirectUri: UNREGISTERED_REDIRECT_URI },
  )
  if (!first)
    return skipped('authorization.redirect-uri-checked', 'Not checked: no request could be sent.')
  return checkRedirectUriRefused(first, UNREGISTERED_REDIRECT_URI, loginShown)
}

/**
 * Exchanges the first code with a wrong code_verifier (must be refused), then with the right
 * one; checks the tokens. A server that took the wrong verifier has given its tokens already.
 */
async function exchangeWithPkceProbe(
  flow: Flow,
  authorization: Authorization,
  state: RunState,
  findings: Finding[],
): Promise<GrantedTokens> {
  const probe = await exchangeCode(
    flow,
    authorization.code,
    wrongVerifier(),
    'Code exchange with a wrong code_verifier',
  )
  findings.push(checkPkceRefused(probe, state.metadata?.code_challenge_methods_supported))
  const exchange = tokensOf(probe).accessToken
    ? probe
    : await exchangeCode(flow, authorization.code, authorization.verifier, 'Code exchange')
  const { findings: exchanged, tokens } = checkCodeExchange(exchange)
  findings.push(...exchanged)
  if (!tokens.accessToken) return tokens

  if (tokens.idToken) {
    findings.push(
      ...(await checkIdToken(tokens.idToken, {
        issuer: flow.context.config.issuer,
        clientId: flow.client.clientId,
        nonce: authorization.nonce,
        jwks: state.jwks,
        now: flow.context.now(),
        sellerId: flow.seller.sellerId,
      })),
    )
  }
  findings.push(checkBookingScope(tokens))
  return tokens
}

/**
 * A second authorization with a new login (a new cookie jar or browser): consent given before
 * should not be asked again. Its code is then exchanged twice: the second time must fail.
 */
async function secondAuthorization(flow: Flow): Promise<Finding[]> {
  const second = await authorize(flow, 'Second authorization', { scope: SECOND_SCOPE })
  if ('problem' in second) {
    const why = `Not checked: the second authorization failed: ${second.problem}.`
    return [
      skipped('authorization.consent-remembered', why),
      skipped('authorization.code-single-use', why),
    ]
  }
  const findings = [checkConsentRemembered(second.consentShown)]
  const exchange = await exchangeCode(flow, second.code, second.verifier, 'Second code exchange')
  if (!tokensOf(exchange).accessToken) {
    findings.push(
      skipped(
        'authorization.code-single-use',
        `Not checked: the second code was not exchanged (HTTP ${exchange.status ?? exchange.error?.code}).`,
      ),
    )
    return findings
  }
  const again = await exchangeCode(flow, second.code, second.verifier, 'Same code exchanged again')
  findings.push(checkCodeReuse(again))
  return findings
}

/**
 * The registration metadata the authorization code flow needs besides client credentials: the
 * grant types, the redirect URI and the booking partner's scopes. Nothing without a seller login.
 */
export function sellerAuthorizationMetadata(config: Config): Record<string, unknown> {
  if (!config.seller) return {}
  const scopes = new Set([...config.scope.split(' '), ...BOOKING_PARTNER_SCOPE.split(' ')])
  return {
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [config.seller.redirectUri],
    scope: [...scopes].join(' '),
  }
}
