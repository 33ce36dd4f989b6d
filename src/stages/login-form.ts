import type { HTMLElement } from 'node-html-parser'
import type { Cookie, CookieJar, SetCookieOptions } from 'tough-cookie'
import { sameEndpoint } from '../checks/authorization.js'
import { describeResponse, header, shown } from '../checks/response.js'
import { isLoopbackHost } from '../config.js'
import type { Exchange } from '../model.js'
import type { LoginSelectors } from '../seller-config.js'
import type { StageContext } from './context.js'

/** How a login ended: at the redirect URI, or with the reason it did not get there. */
export interface LoginOutcome {
  /** The redirect to the redirect URI, carrying code and state (or an error). */
  redirect?: URL
  /** Whether a consent page was shown (and accepted) after the login. */
  consentShown: boolean
  problem?: string
}

/** Where a login may go: the origins of the authorization endpoint and the issuer. */
export interface LoginScope {
  origins: string[]
  redirectUri: string
}

/**
 * The HTML parser and the cookie jar, loaded on first use.
 *
 * @remarks
 * Together they are about 500 KB once bundled. Loaded with `import()`, ncc puts them in chunks of
 * their own beside dist/index.js, so a run without a seller login never reads them.
 */
function loadParsers() {
  parsers ??= Promise.all([import('node-html-parser'), import('tough-cookie')]).then(
    ([html, cookies]) => ({ parse: html.parse, CookieJar: browserLike(cookies.CookieJar) }),
  )
  return parsers
}
let parsers:
  | Promise<{
      parse: typeof import('node-html-parser').parse
      CookieJar: typeof import('tough-cookie').CookieJar
    }>
  | undefined

type Jar = typeof import('tough-cookie').CookieJar
type Done = (error: Error | null, cookie?: Cookie) => void

/**
 * A cookie jar that ignores a cookie it may not keep (one for another domain, such as an
 * analytics cookie), as a browser does: tough-cookie throws for those, and got fails the request.
 */
function browserLike(Base: Jar): Jar {
  return class BrowserCookieJar extends Base {
    override setCookie(cookie: string | Cookie, url: string | URL, callback: Done): void
    override setCookie(
      cookie: string | Cookie,
      url: string | URL,
      options: SetCookieOptions,
      callback: Done,
    ): void
    override setCookie(
      cookie: string | Cookie,
      url: string | URL,
      options?: SetCookieOptions,
    ): Promise<Cookie | undefined>
    override setCookie(
      cookie: string | Cookie,
      url: string | URL,
      options?: SetCookieOptions | Done,
      callback?: Done,
    ): unknown {
      if (typeof options === 'function') {
        return super.setCookie(cookie, url, { ignoreError: true }, options)
      }
      return super.setCookie(cookie, url, { ...options, ignoreError: true }, callback)
    }
  }
}

/** Redirects and pages one login may take; a loop ends here. */
const MAX_STEPS = 20

interface Step {
  method: 'GET' | 'POST'
  url: string
  body?: string
  what: string
}

/**
 * Why the tool will not send a login request to `url`, or undefined when it may: credentials go
 * only over https (http on loopback with allow-insecure-http) and only to the authorization
 * endpoint's or the issuer's origin.
 */
export function loginHopProblem(
  context: StageContext,
  url: string,
  scope: LoginScope,
): string | undefined {
  const target = urlOrUndefined(url)
  if (!target) return `the login went to ${shown(url)}, which is not a URL`
  const loopbackHttp =
    target.protocol === 'http:' &&
    context.config.allowInsecureHttp &&
    isLoopbackHost(target.hostname)
  if (target.protocol !== 'https:' && !loopbackHttp) {
    return `the login went to ${target.origin}, which is not https; no credentials are sent over plain http`
  }
  if (!scope.origins.includes(target.origin)) {
    return `the login went to ${target.origin}, another origin than the authorization endpoint's; the tool sends the seller's credentials only to ${scope.origins.join(' or ')}`
  }
  return undefined
}

/**
 * Logs the seller in with plain HTTP, as a browser without JavaScript would: follows the
 * authorization request's redirects with a cookie jar, fills the login form (keeping its hidden
 * inputs, such as anti-forgery tokens), accepts a consent page, and stops at the redirect URI.
 *
 * > [!NOTE]
 * > A login page that needs JavaScript, a CAPTCHA or a second factor cannot be done this way.
 */
export async function formLogin(
  context: StageContext,
  start: string,
  label: string,
  scope: LoginScope,
): Promise<LoginOutcome> {
  const seller = context.config.seller
  if (!seller) throw new Error('formLogin needs a seller login')
  const jar = new (await loadParsers()).CookieJar()
  let step: Step = { method: 'GET', url: start, what: 'authorization request' }
  let loggedIn = false
  let consentShown = false

  for (let count = 0; count < MAX_STEPS; count++) {
    const result = await send(context, jar, step, label, scope)
    if ('problem' in result) return { consentShown, problem: result.problem }
    if ('redirect' in result) return { consentShown, redirect: result.redirect }
    if ('next' in result) {
      step = result.next
      continue
    }

    const { page, url } = result
    const fields = loginFields(page, seller.selectors)
    if (fields && loggedIn) {
      return {
        consentShown,
        problem:
          'the login page came back after the credentials were sent: they were refused, or the login needs a further step (such as a second factor)',
      }
    }
    if (fields) {
      const values = new Map([
        [fields.username, seller.username],
        [fields.password, seller.password],
      ])
      const button = fields.form.querySelector(seller.selectors.submit)
      const next = submission(fields.form, url, button, values)
      if ('problem' in next) return { consentShown, problem: `the login form's ${next.problem}` }
      step = { ...next, what: 'login form' }
      loggedIn = true
      continue
    }
    if (!loggedIn) {
      return {
        consentShown,
        problem: `no login form on ${url}: the selectors ${JSON.stringify(seller.selectors.username)} and ${JSON.stringify(seller.selectors.password)} match no fields in one form (a login page built with JavaScript needs login-mode browser; see login-selectors)`,
      }
    }
    const consent = page.querySelector(seller.selectors.consent)
    const form = consent?.closest('form') as HTMLElement | null | undefined
    if (!consent || !form) {
      return {
        consentShown,
        problem: `after the login, ${url} showed a page (${pageTitle(page)}) with no consent form (${JSON.stringify(seller.selectors.consent)}) instead of redirecting to the redirect URI`,
      }
    }
    consentShown = true
    const next = submission(form, url, consent, new Map())
    if ('problem' in next) return { consentShown, problem: `the consent form's ${next.problem}` }
    step = { ...next, what: 'consent form' }
  }
  return { consentShown, problem: `the login took more than ${MAX_STEPS} requests` }
}

/**
 * The first answer to an authorization request, and whether following its redirects (with a
 * new cookie jar) reached a login form: for the unregistered redirect URI probe.
 */
export async function firstAnswer(
  context: StageContext,
  start: string,
  label: string,
  scope: LoginScope,
): Promise<{ first?: Exchange; loginShown: boolean }> {
  const seller = context.config.seller
  if (!seller) throw new Error('firstAnswer needs a seller login')
  const jar = new (await loadParsers()).CookieJar()
  const before = context.http.exchanges.length
  let step: Step = { method: 'GET', url: start, what: 'authorization request' }
  for (let count = 0; count < MAX_STEPS; count++) {
    const result = await send(context, jar, step, label, scope)
    const first = context.http.exchanges[before]
    if ('next' in result) {
      step = result.next
      continue
    }
    const loginShown = 'page' in result && loginFields(result.page, seller.selectors) !== undefined
    return { first, loginShown }
  }
  return { first: context.http.exchanges[before], loginShown: false }
}

type Sent =
  { problem: string } | { redirect: URL } | { next: Step } | { page: HTMLElement; url: string }

async function send(
  context: StageContext,
  jar: CookieJar,
  step: Step,
  label: string,
  scope: LoginScope,
): Promise<Sent> {
  const refused = loginHopProblem(context, step.url, scope)
  if (refused) return { problem: refused }
  const exchange = await context.http.send({
    stage: 'authorization',
    label: `${label}: ${step.what}`,
    method: step.method,
    url: step.url,
    headers: {
      accept: 'text/html',
      ...(step.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    body: step.body,
    cookieJar: jar,
  })
  rememberCookies(context, exchange)
  if (exchange.error)
    return { problem: `the ${step.what} got no answer (${exchange.error.message})` }

  const status = exchange.status ?? 0
  const location = header(exchange, 'location')
  if (status >= 300 && status < 400 && location !== undefined) {
    const target = urlOrUndefined(location, step.url)
    if (!target) {
      return {
        problem: `the ${step.what} was answered HTTP ${status} with a Location header that is not a URL (${shown(location)})`,
      }
    }
    if (sameEndpoint(target.href, scope.redirectUri)) return { redirect: target }
    return { next: { method: 'GET', url: target.href, what: 'redirect' } }
  }
  if (status !== 200)
    return { problem: `the ${step.what} was answered ${describeResponse(exchange)}` }
  const { parse } = await loadParsers()
  return { page: parse(exchange.responseBody), url: step.url }
}

/**
 * A session cookie is a credential: its value is redacted from every report. A short value
 * ("yes", "default") is a preference, not a session, and masking it would hide that word
 * everywhere in the job's log.
 */
function rememberCookies(context: StageContext, exchange: Exchange): void {
  const setCookie = exchange.responseHeaders['set-cookie']
  const lines = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  for (const line of lines) {
    const value = /^[^=;]*=([^;]*)/.exec(line)?.[1]
    if (value && value.length >= SESSION_COOKIE_LENGTH) context.secrets.add(value)
  }
}

const SESSION_COOKIE_LENGTH = 8

/** The username and password fields, when the page has both in one form. */
function loginFields(page: HTMLElement, selectors: LoginSelectors) {
  const password = page.querySelector(selectors.password)
  const form = password?.closest('form') as HTMLElement | null | undefined
  const username = form?.querySelector(selectors.username)
  if (!password || !form || !username) return undefined
  return { form, username, password }
}

/**
 * What submitting `form` with `button` sends, as a browser would build it (HTML §4.10.21):
 * every named, enabled field, hidden ones included, with `values` in place of typed text.
 */
export function submission(
  form: HTMLElement,
  pageUrl: string,
  button: HTMLElement | null,
  values: Map<HTMLElement, string>,
): Omit<Step, 'what'> | { problem: string } {
  const fields = new URLSearchParams()
  for (const field of form.querySelectorAll('input, select, textarea')) {
    const name = field.getAttribute('name')
    if (!name || field.hasAttribute('disabled')) continue
    const value = fieldValue(field, values)
    if (value !== undefined) fields.append(name, value)
  }
  const buttonName = button?.getAttribute('name')
  if (button && buttonName) fields.append(buttonName, button.getAttribute('value') ?? '')

  const formaction = button?.getAttribute('formaction')
  const action = formaction ?? form.getAttribute('action') ?? ''
  const url = urlOrUndefined(action || pageUrl, pageUrl)
  if (!url) {
    const attribute = formaction === undefined ? 'action' : 'submit button formaction'
    return { problem: `${attribute} ${shown(action)} is not a URL` }
  }
  url.hash = ''
  const method = (
    button?.getAttribute('formmethod') ??
    form.getAttribute('method') ??
    'get'
  ).toLowerCase()
  if (method === 'post') return { method: 'POST', url: url.href, body: fields.toString() }
  url.search = fields.toString()
  return { method: 'GET', url: url.href }
}

/** `value` resolved against `base`, or undefined when it is no URL: a server may send any text. */
function urlOrUndefined(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base)
  } catch {
    return undefined
  }
}

function fieldValue(field: HTMLElement, values: Map<HTMLElement, string>): string | undefined {
  const given = values.get(field)
  if (given !== undefined) return given
  const tag = field.tagName.toLowerCase()
  if (tag === 'textarea') return field.text
  if (tag === 'select') {
    const option = field.querySelector('option[selected]') ?? field.querySelector('option')
    return option ? (option.getAttribute('value') ?? option.text) : undefined
  }
  const type = (field.getAttribute('type') ?? 'text').toLowerCase()
  if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) return undefined
  if ((type === 'checkbox' || type === 'radio') && !field.hasAttribute('checked')) return undefined
  return field.getAttribute('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')
}

function pageTitle(page: HTMLElement): string {
  const title = page.querySelector('title')?.text.trim()
  return title ? `titled ${JSON.stringify(title.slice(0, 80))}` : 'without a title'
}
