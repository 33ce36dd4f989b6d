import { existsSync } from 'node:fs'
import { InputError, isLoopbackHost, type RawInputs } from './config.js'

/** A test seller's login, which turns the authorization code flow stage on. */
export interface SellerLogin {
  /** A secret, like the password: a login name can identify a person. */
  username: string
  password: string
  /** The seller's JSON-LD `@id`, which the ID token's sellerId must equal; optional. */
  sellerId?: string
  /** Where the authorization server sends the code; the tool stops there and never requests it. */
  redirectUri: string
  /** `form`: plain HTTP with a cookie jar and an HTML parser; `browser`: Chrome or Chromium. */
  mode: 'form' | 'browser'
  selectors: LoginSelectors
  /** The Chrome or Chromium executable for browser mode; found on the usual paths otherwise. */
  chromePath?: string
}

/** CSS selectors for the login page's fields and buttons, and the consent page's button. */
export interface LoginSelectors {
  username: string
  password: string
  submit: string
  consent: string
}

/** The loopback redirect URI used when none is given (RFC 8252 §7.3 style; never served). */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/openactive-auth-check/callback'

/** The selectors the OpenActive test suite's defaults stand for, matching the usual forms. */
export const DEFAULT_SELECTORS: LoginSelectors = {
  username: "[name='username' i]",
  password: "[name='password' i]",
  submit: '[type=submit]',
  consent: '[type=submit]',
}

/**
 * The seller login from the inputs, or undefined when none was given. Bad input throws
 * {@link InputError}; a message never contains the username or password.
 */
export function parseSellerLogin(raw: RawInputs): SellerLogin | undefined {
  const value = (name: keyof RawInputs) => raw[name]?.trim() || undefined
  const username = value('seller-username')
  // A password is taken as typed: spaces at either end may be part of it.
  const password = raw['seller-password'] || undefined
  const others = (['seller-id', 'login-mode', 'login-selectors', 'chrome-path'] as const).filter(
    (name) => value(name) !== undefined,
  )
  if (!username && !password) {
    if (others.length > 0) {
      throw new InputError(others[0], 'needs seller-username and seller-password')
    }
    return undefined
  }
  if (!username) throw new InputError('seller-username', 'required with seller-password')
  if (!password) throw new InputError('seller-password', 'required with seller-username')

  const sellerId = value('seller-id')
  if (sellerId !== undefined && !isAbsoluteUrl(sellerId)) {
    throw new InputError('seller-id', `must be the seller's @id, a URL (got ${quoted(sellerId)})`)
  }
  return {
    username,
    password,
    sellerId,
    redirectUri: parseRedirectUri(value('redirect-uri')),
    mode: parseMode(value('login-mode')),
    selectors: parseSelectors(value('login-selectors')),
    chromePath: parseChromePath(value('chrome-path')),
  }
}

/** A browser that is not there is this machine's setup, not the server's fault: bad input. */
function parseChromePath(path: string | undefined): string | undefined {
  if (path !== undefined && !existsSync(path)) {
    throw new InputError('chrome-path', `there is no file at ${quoted(path)}`)
  }
  return path
}

function parseRedirectUri(text: string | undefined): string {
  if (text === undefined) return DEFAULT_REDIRECT_URI
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError('redirect-uri', `not a URL: ${quoted(text)}`)
  }
  if (url.hash || text.includes('#')) {
    throw new InputError('redirect-uri', 'must not have a fragment (RFC 6749 §3.1.2)')
  }
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new InputError(
      'redirect-uri',
      'must be an https URL, or http on loopback (the tool never requests it)',
    )
  }
  return url.href
}

function parseMode(text: string | undefined): SellerLogin['mode'] {
  if (text === undefined || text === 'form') return 'form'
  if (text === 'browser') return 'browser'
  throw new InputError('login-mode', `must be "form" or "browser" (got ${quoted(text)})`)
}

/**
 * One `name: selector` per line, for any of username, password, submit and consent; the others
 * keep their defaults. A selector may itself contain ":" and "," (only the first ":" splits).
 */
function parseSelectors(text: string | undefined): LoginSelectors {
  const selectors = { ...DEFAULT_SELECTORS }
  if (text === undefined) return selectors
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim()
    const selector = line.slice(colon + 1).trim()
    if (colon === -1 || !Object.hasOwn(DEFAULT_SELECTORS, name) || selector === '') {
      throw new InputError(
        'login-selectors',
        `each line must be "username|password|submit|consent: CSS selector" (got ${quoted(line)})`,
      )
    }
    selectors[name as keyof LoginSelectors] = selector
  }
  return selectors
}

function isAbsoluteUrl(text: string): boolean {
  try {
    return new URL(text).protocol.length > 1
  } catch {
    return false
  }
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text)
}
