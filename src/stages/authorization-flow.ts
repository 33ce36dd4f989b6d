import { createHash, randomBytes } from 'node:crypto'
import { redirectError } from '../checks/authorization.js'
import type { RegisteredClient } from '../checks/registration.js'
import type { Exchange } from '../model.js'
import type { SellerLogin } from '../seller-config.js'
import { type ClientAuthentication, postToTokenEndpoint, type StageContext } from './context.js'
import { browserLogin } from './login-browser.js'
import { formLogin, type LoginScope } from './login-form.js'

/** What one seller authorization needs: endpoints, the client, the seller's login. */
export interface Flow {
  context: StageContext
  authorizationEndpoint: string
  tokenEndpoint: string
  client: RegisteredClient
  /** How the client authenticates at the token endpoint: the way that worked in the token stage. */
  clientAuthentication: ClientAuthentication
  seller: SellerLogin
  scope: LoginScope
}

/** A login that reached the redirect URI with a code. */
export interface Authorization {
  code: string
  redirect: URL
  consentShown: boolean
  state: string
  nonce: string
  verifier: string
}

/**
 * Sends the seller through one authorization code flow with PKCE S256 (RFC 7636), a state and a
 * nonce, up to the redirect with the code. The code and the verifier are secrets from the start.
 */
export async function authorize(
  flow: Flow,
  label: string,
  request: { scope: string; prompt?: string },
): Promise<Authorization | { problem: string }> {
  const { context, seller } = flow
  const state = randomBytes(16).toString('base64url')
  const nonce = randomBytes(16).toString('base64url')
  const verifier = randomBytes(32).toString('base64url')
  context.secrets.add(verifier)
  const url = authorizationUrl(flow, {
    scope: request.scope,
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(request.prompt ? { prompt: request.prompt } : {}),
  })

  const login = seller.mode === 'browser' ? browserLogin : formLogin
  const outcome = await login(context, url, label, flow.scope)
  if (!outcome.redirect) return { problem: outcome.problem ?? 'the login did not finish' }
  const code = outcome.redirect.searchParams.get('code')
  context.secrets.add(code ?? undefined)
  const error = redirectError(outcome.redirect)
  if (error) return { problem: `the redirect to the redirect URI carried error ${error}` }
  if (!code) return { problem: 'the redirect to the redirect URI carried no code' }
  return {
    code,
    redirect: outcome.redirect,
    consentShown: outcome.consentShown,
    state,
    nonce,
    verifier,
  }
}

/** The authorization request URL, with the parameters every request of the flow shares. */
export function authorizationUrl(
  flow: Flow,
  params: Record<string, string>,
  redirectUri = flow.seller.redirectUri,
): string {
  const url = new URL(flow.authorizationEndpoint)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', flow.client.clientId)
  url.searchParams.set('redirect_uri', redirectUri)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url.href
}

/** Exchanges a code at the token endpoint (RFC 6749 §4.1.3). */
export function exchangeCode(
  flow: Flow,
  code: string,
  verifier: string,
  label: string,
): Promise<Exchange> {
  return tokenRequest(
    flow,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: flow.seller.redirectUri,
      code_verifier: verifier,
    },
    label,
  )
}

/** The refresh token grant (RFC 6749 §6). */
export function refreshTokens(flow: Flow, refreshToken: string): Promise<Exchange> {
  return tokenRequest(
    flow,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    'Refresh token grant',
  )
}

function tokenRequest(flow: Flow, form: Record<string, string>, label: string): Promise<Exchange> {
  return postToTokenEndpoint(flow.context, {
    stage: 'authorization',
    label,
    url: flow.tokenEndpoint,
    form,
    client: flow.client,
    authentication: flow.clientAuthentication,
  })
}

/** A fresh random code_verifier that matches no challenge: for the PKCE probe. */
export function wrongVerifier(): string {
  return randomBytes(32).toString('base64url')
}
