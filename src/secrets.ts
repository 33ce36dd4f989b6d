/**
 * Knows every secret value of a run (initial access token, client secret, Basic credentials,
 * access token) and removes them from any text before it leaves the tool.
 */
export class Secrets {
  /** Every spelling of every secret, as text: what the log masker is told. */
  readonly #values = new Set<string>()
  /** The secrets in the forms no decoding turns back ({@link encodings}), as decoded text reads. */
  readonly #decoded = new Set<string>()
  readonly #onAdd: (value: string) => void
  /** Made when first needed after a secret is added. */
  #sorted: string[] | undefined
  #spaced: boolean | undefined

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
      this.#sorted = undefined
      this.#onAdd(form)
    }
    for (const form of encodings(value)) {
      if (form.length >= MIN_LENGTH) this.#decoded.add(collapseSpace(form))
    }
    this.#spaced = undefined
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
    this.#sorted ??= [...this.#values].sort((a, b) => b.length - a.length)
    let out = text
    for (const value of this.#sorted) {
      const found = occurrences(out, value)
      if (found.length > 0)
        out = replaced(
          out,
          found.map((index) => [index, index + value.length]),
        )
    }
    // Escaped spellings take decoding the text: only where there is an escape.
    this.#spaced ??= [...this.#decoded].some((value) => value.includes(' '))
    if ((this.#spaced && /\s|\+/.test(out)) || AN_ESCAPE.test(out))
      out = redactDecoded(out, this.#decoded, this.#spaced)
    if (!out.includes(ELLIPSIS)) return out
    return this.#sorted.reduce(redactCutPrefix, out)
  }
}

const REDACTED = '[REDACTED]'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
/**
 * A secret shorter than this is found only as a whole word: "tok" is a weak secret, but the
 * "tok" in "token" is not it.
 */
const WHOLE_WORD_BELOW = 8
const WORD = /[\w-]/
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

/** Basic credentials as RFC 7617 alone has them, unencoded: what some servers take instead. */
export function unencodedBasicCredentials(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`).toString('base64')
}

/** Whether a text contains a value in any of the spellings a server might echo it in. */
export function echoes(text: string, value: string | undefined): boolean {
  if (!value || value.length < MIN_LENGTH) return false
  const texts = [decode(text, false).decoded, decode(text, true).decoded]
  return encodings(value).some((form) =>
    texts.some((decoded) => occurrences(decoded, collapseSpace(form)).length > 0),
  )
}

/**
 * The secret as given, and in base64 and base64url, which no decoding turns back; and with its
 * "+" read as spaces, as a server that form-decodes what it was sent unencoded echoes it.
 */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value)
  const forms = [value, bytes.toString('base64'), bytes.toString('base64url')]
  if (value.includes('+')) forms.push(value.replace(/\+/g, ' '))
  return forms
}

/** Where the value is in the text; a short one only where it stands as a whole word. */
function occurrences(text: string, value: string): number[] {
  const found: number[] = []
  for (let index = text.indexOf(value); index !== -1; index = text.indexOf(value, index + 1)) {
    const alone = !WORD.test(text[index - 1] ?? '') && !WORD.test(text[index + value.length] ?? '')
    if (value.length >= WHOLE_WORD_BELOW || alone) found.push(index)
  }
  return found
}

/**
 * The spellings of a secret a log or a text can hold it in: its {@link encodings}, and
 * JSON-escaped, percent-encoded and form-encoded.
 */
function spellings(value: string): string[] {
  return [
    ...encodings(value),
    JSON.stringify(value).slice(1, -1),
    // A lone surrogate has no UTF-8: a server can send one, and the spelling is then none.
    encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')),
    new URLSearchParams({ v: value }).toString().slice(2),
  ]
}

/**
 * Replaces the parts of the text that decode to one of the values. `spaced`: some value holds
 * a space.
 */
function redactDecoded(text: string, values: Set<string>, spaced: boolean): string {
  const found: [number, number][] = []
  // A "+" is a space in a form, and itself elsewhere: a spaced secret is looked for both ways.
  for (const plusIsSpace of spaced && text.includes('+') ? [false, true] : [false]) {
    const { decoded, from, to } = decode(text, plusIsSpace)
    for (const value of values) {
      for (const index of occurrences(decoded, value))
        found.push([from[index], to[index + value.length - 1]])
    }
  }
  return found.length === 0 ? text : replaced(text, found)
}

/** The text with each `[start, end)` range, overlapping or not, replaced by the marker. */
function replaced(text: string, ranges: [number, number][]): string {
  ranges.sort((a, b) => a[0] - b[0])
  let out = ''
  let done = 0
  for (const [start, end] of ranges) {
    if (end <= done) continue
    out += `${text.slice(done, Math.max(start, done))}${start >= done ? REDACTED : ''}`
    done = end
  }
  return out + text.slice(done)
}

/**
 * One escape a server may write a character in: JSON's `\uXXXX` (any hex case) and short
 * escapes ("/" as "\/" as PHP writes it), HTML character references, a run of percent-encoded
 * UTF-8 bytes, a run of white space, or a "+" (a space in a form).
 */
const ESCAPE =
  /\\u([0-9a-fA-F]{4})|\\([/"\\bfnrt])|&#0*(\d{1,7});|&#[xX]0*([0-9a-fA-F]{1,6});|&(amp|lt|gt|quot|apos);|((?:%[0-9a-fA-F]{2})+)|(\s+)|(\+)/g

/** Whether a text holds an escape at all; a "&" or "%" alone is none. */
const AN_ESCAPE =
  /\\u[0-9a-fA-F]{4}|\\[/"\\bfnrt]|&#[0-9xX]|&(amp|lt|gt|quot|apos);|%[0-9a-fA-F]{2}/

const SHORT_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * The text with its escapes decoded and every run of white space as one space (as a message
 * that collapses it shows it). Decoded character i comes from the text's `from[i]` up to (not
 * including) `to[i]`: every character decoded from one escape spans all of it.
 */
function decode(
  text: string,
  plusIsSpace: boolean,
): { decoded: string; from: number[]; to: number[] } {
  const units: string[] = []
  const from: number[] = []
  const to: number[] = []
  const literal = (start: number, end: number) => {
    for (let index = start; index < end; index++) {
      units.push(text[index])
      from.push(index)
      to.push(index + 1)
    }
  }
  let done = 0
  for (const match of text.matchAll(ESCAPE)) {
    literal(done, match.index)
    done = match.index + match[0].length
    for (const unit of collapseSpace(unescape(match, plusIsSpace))) {
      // A space next to a space is one run of white space: the run grows.
      if (unit === ' ' && units.at(-1) === ' ') {
        to[to.length - 1] = done
        continue
      }
      units.push(unit)
      from.push(match.index)
      to.push(done)
    }
  }
  literal(done, text.length)
  return { decoded: units.join(''), from, to }
}

function unescape(match: RegExpMatchArray, plusIsSpace: boolean): string {
  const [, unicode, short, decimal, hex, entity, percent, , plus] = match
  if (unicode !== undefined) return String.fromCharCode(parseInt(unicode, 16))
  if (short !== undefined) return SHORT_ESCAPES[short] ?? short
  if (decimal !== undefined) return fromCodePoint(Number(decimal))
  if (hex !== undefined) return fromCodePoint(parseInt(hex, 16))
  if (entity !== undefined) return ENTITIES[entity]
  if (percent !== undefined) return Buffer.from(percent.replace(/%/g, ''), 'hex').toString('utf8')
  if (plus !== undefined) return plusIsSpace ? ' ' : '+'
  return ' '
}

const collapseSpace = (text: string) => text.replace(/\s+/g, ' ')
const fromCodePoint = (codePoint: number) =>
  codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\ufffd'
