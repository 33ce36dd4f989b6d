/**
 * Knows every secret value of a run (initial access token, client secret, Basic credentials,
 * access token) and removes them from any text before it leaves the tool.
 */
export class Secrets {
  readonly #values = new Set<string>()
  readonly #onAdd: (value: string) => void
  /** Every secret however it is escaped, longest first; made again when a secret is added. */
  #pattern: RegExp | undefined

  /** @param onAdd called once for each new non-empty secret, e.g. `core.setSecret`. */
  constructor(onAdd: (value: string) => void = () => {}) {
    this.#onAdd = onAdd
  }

  /** Registers a secret and every spelling of it that can appear in a request or response. */
  add(value: string | undefined): void {
    if (!value) return
    for (const form of spellings(value)) {
      // Shorter fragments would redact ordinary letters all over a report.
      if (form.length < MIN_LENGTH || this.#values.has(form)) continue
      this.#values.add(form)
      this.#pattern = undefined
      this.#onAdd(form)
    }
  }

  /** Registers the Basic credentials header made from a client id and secret. */
  addBasic(clientId: string, clientSecret: string): void {
    this.add(basicCredentials(clientId, clientSecret))
  }

  /**
   * The text with every known secret replaced by a marker, however a server escaped it,
   * including the start of a secret that a message cut short ("…").
   */
  redact(text: string): string {
    if (this.#values.size === 0) return text
    // Longest first, so that a secret containing another is replaced whole.
    const values = [...this.#values].sort((a, b) => b.length - a.length)
    let out = text
    for (const value of values) out = out.split(value).join(REDACTED)
    // The escaped spellings take a slower search: only where one could be.
    const escaped = values.some((value) => /\s/.test(value)) ? /[\\&%\s+]/ : /[\\&%]/
    if (escaped.test(out)) {
      this.#pattern ??= new RegExp(values.map(pattern).join('|'), 'g')
      out = out.replace(this.#pattern, REDACTED)
    }
    if (!out.includes(ELLIPSIS)) return out
    return values.reduce(redactCutPrefix, out)
  }
}

const REDACTED = '[REDACTED]'
const ELLIPSIS = '…'
const MIN_LENGTH = 3

/** Replaces a secret's first characters where a cut (an ellipsis) ends them. */
function redactCutPrefix(text: string, secret: string): string {
  let out = ''
  let rest = text
  for (let at = rest.indexOf(ELLIPSIS); at !== -1; at = rest.indexOf(ELLIPSIS)) {
    let before = rest.slice(0, at)
    for (let length = Math.min(secret.length - 1, before.length); length >= MIN_LENGTH; length--) {
      if (before.endsWith(secret.slice(0, length))) {
        before = `${before.slice(0, -length)}${REDACTED}`
        break
      }
    }
    out += `${before}${ELLIPSIS}`
    rest = rest.slice(at + ELLIPSIS.length)
  }
  return out + rest
}

/**
 * `client_secret_basic` credentials: id and secret form-urlencoded, joined by ":", then base64.
 * @see RFC 6749 §2.3.1 and Appendix B
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')
}

/** Whether a text contains a value in any of the spellings a server might echo it in. */
export function echoes(text: string, value: string | undefined): boolean {
  if (!value || value.length < MIN_LENGTH) return false
  return spellings(value).some((form) => new RegExp(pattern(form)).test(text))
}

/**
 * The spellings of a secret that are not one character for another: as given, and in base64
 * (Basic credentials). These are what the log masker is told, with the common escapings.
 */
function spellings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  return [
    value,
    json,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    Buffer.from(value).toString('base64'),
  ]
}

/**
 * A regular expression source matching the text however its characters are escaped, alone or
 * mixed: as themselves, as JSON `\uXXXX` or short escapes (any hex case; "/" as "\/" as PHP
 * writes it), as HTML character references, or percent-encoded. A run of white space matches
 * any run of white space, "+" or "%20", as when a message collapses it or a form encodes it.
 */
function pattern(text: string): string {
  let source = ''
  for (const run of text.match(/\s+|[^\s]/gu) ?? []) {
    source += /^\s/.test(run) ? '(?:\\s|\\+|%20)+' : `(?:${characterForms(run).join('|')})`
  }
  return source
}

function characterForms(char: string): string[] {
  const codePoint = char.codePointAt(0)!
  const units = [...Array(char.length).keys()].map((index) => char.charCodeAt(index))
  const forms = [
    escapeRegExp(char),
    units.map((unit) => `\\\\u${anyCase(hex(unit, 4))}`).join(''),
    `&#0*${codePoint};`,
    `&#[xX]0*${anyCase(codePoint.toString(16))};`,
    [...Buffer.from(char)].map((byte) => `%${anyCase(hex(byte, 2))}`).join(''),
  ]
  const named = NAMED_FORMS[char]
  if (named) forms.push(...named)
  return forms
}

/** The other ways JSON, PHP, HTML and forms write these characters. */
const NAMED_FORMS: Record<string, string[]> = {
  '/': ['\\\\/'],
  '"': ['\\\\"', '&quot;'],
  '\\': ['\\\\\\\\'],
  '&': ['&amp;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  "'": ['&apos;'],
}

const hex = (value: number, width: number) => value.toString(16).padStart(width, '0')
const anyCase = (digits: string) =>
  digits.replace(/[a-f]/g, (letter) => `[${letter}${letter.toUpperCase()}]`)
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
