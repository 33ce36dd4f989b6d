import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { sameEndpoint } from '../checks/authorization.js'
import type { Exchange } from '../model.js'
import type { SellerLogin } from '../seller-config.js'
import type { StageContext } from './context.js'
import { type LoginOutcome, type LoginScope, loginHopProblem } from './login-form.js'

/** Where Chrome or Chromium usually is: GitHub's Ubuntu runners, Debian's chromium, macOS. */
const CHROME_PATHS = [
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
]

/** The Chrome or Chromium to drive: the one given, else the first on the usual paths. */
export function findChrome(given?: string): string | undefined {
  if (given) return given
  return CHROME_PATHS.find((path) => existsSync(path))
}

type Playwright = typeof import('playwright-core')

/**
 * Loads playwright-core at run time, from the working directory first (a workflow can
 * `npm install playwright-core` there), then from beside this module.
 *
 * @remarks
 * The specifier is a variable and `require` comes from `createRequire`, so ncc does not follow
 * it: the action's bundle stays without Playwright (several MB), and only browser mode needs it.
 */
export function loadPlaywright(): Playwright | undefined {
  const name = 'playwright-core'
  for (const base of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      return createRequire(base)(name) as Playwright
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined
}

/**
 * What browser mode drives, or why it cannot run here: Chrome or Chromium, and the playwright-core
 * package. Both are this tool's own dependencies, to install where it runs; the server has
 * nothing to do with them.
 */
export function browserSetup(
  seller: SellerLogin,
): { executablePath: string; playwright: Playwright } | { missing: string } {
  const executablePath = findChrome(seller.chromePath)
  if (!executablePath) {
    return {
      missing: `login-mode browser needs Chrome or Chromium on the machine that runs this tool, and none was found at ${CHROME_PATHS.join(', ')}: install one (such as apt-get install chromium), give its path in chrome-path, or use login-mode form`,
    }
  }
  const playwright = loadPlaywright()
  if (!playwright) {
    return {
      missing:
        'login-mode browser needs the playwright-core package, which this tool loads at run time and which is not installed: run npm install playwright-core in the working directory, or use login-mode form',
    }
  }
  return { executablePath, playwright }
}

/**
 * Logs the seller in with a headless Chrome or Chromium, for login pages built with JavaScript:
 * fills the username and password fields, clicks the submit button, clicks the consent button
 * if a consent page follows, and stops at the redirect URI, which is never loaded.
 *
 * > [!NOTE]
 * > Chromium does its own network traffic. Every request it makes is held to the same rules as
 * > the form login (https, and for anything but a GET, the authorization endpoint's origin), and
 * > its page loads are recorded in the transcript, without their bodies.
 */
export async function browserLogin(
  context: StageContext,
  start: string,
  label: string,
  scope: LoginScope,
): Promise<LoginOutcome> {
  const seller = context.config.seller
  if (!seller) throw new Error('browserLogin needs a seller login')
  const setup = browserSetup(seller)
  if ('missing' in setup) return { consentShown: false, problem: setup.missing }
  const { executablePath, playwright } = setup

  const timeout = context.config.requestTimeoutMs
  let browser
  try {
    browser = await playwright.chromium.launch({
      executablePath,
      headless: true,
      timeout,
      // Chrome tries https first for an http redirect URI (HTTPS-Upgrades) and falls back a
      // second later; the redirect URI is only read, so that try is a waste.
      args: ['--disable-features=HttpsUpgrades'],
    })
  } catch (error) {
    return { consentShown: false, problem: `${executablePath} did not start: ${firstLine(error)}` }
  }
  try {
    const page = await browser.newPage()
    page.setDefaultTimeout(timeout)
    let redirect: URL | undefined
    let blocked: string | undefined
    await page.route('**/*', async (route) => {
      const request = route.request()
      if (sameEndpoint(request.url(), scope.redirectUri)) {
        redirect = new URL(request.url())
        await route.fulfill({ status: 200, contentType: 'text/plain', body: 'Code received.' })
        return
      }
      const problem = browserHopProblem(context, request.url(), request.method(), scope)
      if (problem) {
        blocked ??= problem
        await route.abort('blockedbyclient')
        return
      }
      await route.continue()
    })
    page.on('response', (response) => {
      const request = response.request()
      // Chromium takes a second to follow a redirect to another origin: the Location is enough.
      const location = response.headers().location
      if (location && sameEndpoint(location, scope.redirectUri, request.url())) {
        redirect ??= new URL(location, request.url())
      }
      if (request.resourceType() !== 'document' || sameEndpoint(request.url(), scope.redirectUri))
        return
      context.http.record(recorded(label, request, response))
    })

    return await drive(
      page,
      start,
      seller,
      { redirect: () => redirect, blocked: () => blocked },
      timeout,
    )
  } catch (error) {
    return { consentShown: false, problem: `the browser login failed: ${firstLine(error)}` }
  } finally {
    await browser.close()
  }
}

type Page = Awaited<ReturnType<Awaited<ReturnType<Playwright['chromium']['launch']>>['newPage']>>

/** How long a page may keep showing the login form before the login counts as refused. */
const SETTLE_MS = 3000

async function drive(
  page: Page,
  start: string,
  seller: SellerLogin,
  seen: { redirect(): URL | undefined; blocked(): string | undefined },
  timeout: number,
): Promise<LoginOutcome> {
  const { selectors } = seller
  await page.goto(start).catch(() => undefined)
  const early = seen.redirect()
  if (early) return { consentShown: false, redirect: early }
  if (seen.blocked()) return { consentShown: false, problem: seen.blocked() }

  const username = page.locator(selectors.username).first()
  try {
    await username.waitFor({ state: 'visible', timeout })
  } catch {
    return {
      consentShown: false,
      problem: `no login form on ${page.url()}: ${JSON.stringify(selectors.username)} matched no visible field within ${timeout / 1000} s (see login-selectors)`,
    }
  }
  await username.fill(seller.username)
  await page.locator(selectors.password).first().fill(seller.password)
  await page.locator(selectors.submit).first().click()

  const deadline = Date.now() + timeout
  let acted = Date.now()
  let consentShown = false
  for (;;) {
    const redirect = seen.redirect()
    if (redirect) return { consentShown, redirect }
    const blocked = seen.blocked()
    if (blocked) return { consentShown, problem: blocked }
    if (Date.now() > deadline) {
      return {
        consentShown,
        problem: `no redirect to the redirect URI within ${timeout / 1000} s of the login (the page is ${page.url()})`,
      }
    }
    await page.waitForLoadState('load').catch(() => undefined)
    await page.waitForTimeout(100)
    if (seen.redirect()) continue
    if (await visible(page, selectors.password)) {
      if (Date.now() - acted < SETTLE_MS) continue
      return {
        consentShown,
        problem:
          'the login page stayed after the credentials were sent: they were refused, or the login needs a further step (such as a second factor)',
      }
    }
    if (!consentShown && (await visible(page, selectors.consent))) {
      consentShown = true
      await page.locator(selectors.consent).first().click()
      acted = Date.now()
    }
  }
}

function visible(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .isVisible()
    .catch(() => false)
}

function browserHopProblem(
  context: StageContext,
  url: string,
  method: string,
  scope: LoginScope,
): string | undefined {
  if (url.startsWith('data:') || url.startsWith('blob:')) return undefined
  const problem = loginHopProblem(context, url, scope)
  if (!problem) return undefined
  // Scripts, styles and images from another https origin are fine; anything sent there is not.
  // Chromium's URLs are canonical: the scheme is lower case.
  if (method === 'GET' && url.startsWith('https:')) return undefined
  return problem
}

function recorded(
  label: string,
  request: {
    url(): string
    method(): string
    postData(): string | null
    headers(): Record<string, string>
  },
  response: { status(): number; headers(): Record<string, string> },
): Exchange {
  // The session cookie is a credential; Chromium's own headers are shown without it.
  const requestHeaders = Object.fromEntries(
    Object.entries(request.headers()).filter(([name]) => name.toLowerCase() !== 'cookie'),
  )
  return {
    stage: 'authorization',
    label: `${label}: browser page load`,
    method: request.method(),
    url: request.url(),
    requestHeaders,
    requestBody: request.postData() ?? undefined,
    status: response.status(),
    responseHeaders: response.headers(),
    responseBody: '(not recorded in browser mode)',
    startedAt: Date.now(),
    durationMs: 0,
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}
