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
      // Very short fragments would redact ordinary words; a secret that short is a finding
      // of its own, not something to hide letter by letter.
      if (form.length < 4 || this.#values.has(form)) continue
      this.#values.add(form)
      this.#onAdd(form)
    }
  }

  /** Registers the Basic credentials header made from a client id and secret. */
  addBasic(clientId: string, clientSecret: string): void {
    this.add(basicCredentials(clientId, clientSecret))
  }

  /** The text with every known secret replaced by a marker. */
  redact(text: string): string {
    let out = text
    // Longest first, so that a secret containing another is replaced whole.
    const values = [...this.#values].sort((a, b) => b.length - a.length)
    for (const value of values) out = out.split(value).join('[REDACTED]')
    return out
  }
}

/**
 * `client_secret_basic` credentials: id and secret form-urlencoded, joined by ":", then base64.
 * @see RFC 6749 §2.3.1 and Appendix B
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')
}

function spellings(value: string): string[] {
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ]
}
