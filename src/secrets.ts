/**
 * Knows every secret value of a run (initial access token, client secret, Basic credentials,
 * access token) and removes them from any text before it leaves the tool.
 */
export class Secrets {
  readonly #values = new Set<string>()
  readonly #onAdd: (value: string) => void

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
      this.#onAdd(form)
    }
  }

  /** Registers the Basic credentials header made from a client id and secret. */
  addBasic(clientId: string, clientSecret: string): void {
    this.add(basicCredentials(clientId, clientSecret))
  }

  /**
   * The text with every known secret replaced by a marker, including the start of a secret that
   * a message cut short ("…").
   */
  redact(text: string): string {
    let out = text
    // Longest first, so that a secret containing another is replaced whole.
    const values = [...this.#values].sort((a, b) => b.length - a.length)
    for (const value of values) out = out.split(value).join(REDACTED)
    if (!out.includes(ELLIPSIS)) return out
    for (const value of values) out = redactCutPrefix(out, value)
    return out
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
  return spellings(value).some((form) => text.includes(form))
}

/** The ways a secret can be written in a header, a form, a URL, JSON or HTML. */
function spellings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  return [
    value,
    json,
    json.replace(/\//g, '\\/'), // PHP escapes "/"
    // System.Text.Json (.NET) escapes HTML-sensitive characters and "+" as \uXXXX.
    json.replace(
      /[+<>&'`]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    ),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    value.replace(
      /[&<>"']/g,
      (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[char]};`,
    ),
    Buffer.from(value).toString('base64'),
  ]
}
