// The seller's login and consent pages: oidc-provider's interactions, answered with plain HTML
// forms, as a booking system's seller login would be.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Grant, Interaction, Provider } from 'oidc-provider'

import { htmlAnswer, type PlainAnswer, writeAnswer } from './answer.js'
import { SELLER_ACCOUNT_ID, type TestSeller } from './openactive.js'

/** Where oidc-provider sends the browser for a login or consent (its default `interactions.url`). */
export const INTERACTION_PATH = '/interaction/'

export interface InteractionOptions {
  provider: Provider
  seller: TestSeller
  /** Whether consent given at one login is remembered at the next (a fault turns it off). */
  rememberConsent: boolean
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/**
 * Answers `/interaction/{uid}` (the login or consent page), `/interaction/{uid}/login` and
 * `/interaction/{uid}/confirm` (their forms). Each form carries an anti-forgery token in a
 * hidden input, which the POST must send back, as real login pages do.
 */
export function interactionHandler(options: InteractionOptions): Handler {
  const { provider, seller } = options
  // The seller's consent per client, across logins: `${accountId} ${clientId}` → grant id.
  const consents = new Map<string, string>()
  const forgeryTokens = new Map<string, string>()

  const page = (res: ServerResponse, uid: string, render: (token: string) => string): void => {
    const token = randomBytes(16).toString('base64url')
    forgeryTokens.set(uid, token)
    writeAnswer(res, {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
      body: render(token),
    })
  }

  return async (req, res) => {
    const [uid = '', action] = new URL(req.url ?? '/', 'http://x').pathname
      .slice(INTERACTION_PATH.length)
      .split('/')
    let interaction: Interaction
    try {
      interaction = await provider.interactionDetails(req, res)
    } catch {
      return writeAnswer(
        res,
        htmlAnswer(400, 'Sign-in expired', 'Start again from the booking partner.'),
      )
    }
    if (interaction.uid !== uid) return writeAnswer(res, refused('This sign-in page is not yours.'))
    const clientId = String(interaction.params.client_id)

    if (req.method === 'GET' && action === undefined) {
      if (interaction.prompt.name === 'login')
        return page(res, uid, (token) => loginPage(uid, token))
      const remembered = options.rememberConsent
        ? await rememberedGrant(
            provider,
            consents.get(`${interaction.session?.accountId} ${clientId}`),
          )
        : undefined
      const asked = String(interaction.params.prompt ?? '')
        .split(' ')
        .includes('consent')
      if (remembered && !asked && covers(remembered.grant, interaction.prompt.details)) {
        return provider.interactionFinished(req, res, { consent: { grantId: remembered.id } })
      }
      return page(res, uid, (token) => consentPage(uid, token, clientId))
    }
    if (req.method !== 'POST') return writeAnswer(res, refused('Use the form.'))

    const form = new URLSearchParams(await readBody(req))
    if (!forgeryTokens.has(uid) || form.get('csrf') !== forgeryTokens.get(uid)) {
      return writeAnswer(res, refused('The form expired or was not sent from this site.'))
    }
    forgeryTokens.delete(uid)

    if (action === 'login') {
      if (form.get('username') !== seller.username || form.get('password') !== seller.password) {
        return page(res, uid, (token) => loginPage(uid, token, 'Wrong username or password.'))
      }
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId: SELLER_ACCOUNT_ID } },
        { mergeWithLastSubmission: false },
      )
    }
    if (action === 'confirm' && interaction.session) {
      const grantId = await grantConsent(provider, interaction, clientId)
      consents.set(`${interaction.session.accountId} ${clientId}`, grantId)
      return provider.interactionFinished(req, res, { consent: { grantId } })
    }
    return writeAnswer(res, refused('Unknown step.'))
  }
}

/** Grants what the consent prompt found missing, in the session's grant or a new one. */
async function grantConsent(
  provider: Provider,
  interaction: Interaction,
  clientId: string,
): Promise<string> {
  const accountId = interaction.session?.accountId ?? SELLER_ACCOUNT_ID
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined
  const grant = existing ?? new provider.Grant({ accountId, clientId })
  const details = interaction.prompt.details as Missing
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '))
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims)
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '))
  }
  return grant.save()
}

interface Missing {
  missingOIDCScope?: string[]
  missingOIDCClaims?: string[]
  missingResourceScopes?: Record<string, string[]>
}

async function rememberedGrant(
  provider: Provider,
  id: string | undefined,
): Promise<{ id: string; grant: Grant } | undefined> {
  const grant = id === undefined ? undefined : await provider.Grant.find(id)
  return id !== undefined && grant ? { id, grant } : undefined
}

/** Whether an earlier consent already covers everything the prompt finds missing. */
function covers(grant: Grant, prompt: Record<string, unknown>): boolean {
  const details = prompt as Missing
  const scopes = new Set(grant.getOIDCScope().split(' '))
  const claims = new Set(grant.getOIDCClaims())
  const resources = Object.entries(details.missingResourceScopes ?? {})
  return (
    (details.missingOIDCScope ?? []).every((scope) => scopes.has(scope)) &&
    (details.missingOIDCClaims ?? []).every((claim) => claims.has(claim)) &&
    resources.every(([resource, wanted]) => {
      const granted = new Set(grant.getResourceScope(resource).split(' '))
      return wanted.every((scope) => granted.has(scope))
    })
  )
}

function loginPage(uid: string, token: string, error?: string): string {
  const message = error ? `<p role="alert">${error}</p>` : ''
  return document(
    'Sign in to Reference Booking System',
    `${message}<form method="post" action="${INTERACTION_PATH}${uid}/login" autocomplete="off">
<input type="hidden" name="csrf" value="${token}">
<label>Username <input name="username" autofocus></label>
<label>Password <input type="password" name="password"></label>
<button type="submit" class="btn-primary">Sign in</button>
</form>`,
  )
}

function consentPage(uid: string, token: string, clientId: string): string {
  return document(
    'Allow this booking partner?',
    `<p>The booking partner <code>${escape(clientId)}</code> asks to book on your behalf and to know your seller details.</p>
<form method="post" action="${INTERACTION_PATH}${uid}/confirm">
<input type="hidden" name="csrf" value="${token}">
<button type="submit" name="decision" value="allow" class="btn-primary">Allow</button>
</form>`,
  )
}

function document(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>\n${body}\n</body></html>\n`
}

function refused(text: string): PlainAnswer {
  return htmlAnswer(400, 'Sign-in refused', text)
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req) {
    length += (chunk as Buffer).length
    if (length > 16 * 1024) break
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
