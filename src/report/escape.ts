/**
 * Escaping for the three languages the reports are written in: HTML (the job summary's
 * transcripts), Markdown table cells, and XML (the JUnit report). Everything that came from the
 * server or the inputs passes through one of these before it is written.
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Escapes text for one Markdown table cell: HTML, pipes, backticks and line breaks. */
export function escapeCell(text: string): string {
  return escapeHtml(text)
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/`/g, '&#96;')
}

/**
 * Escapes text for XML 1.0 content and attribute values. Characters XML 1.0 cannot carry at
 * all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are written as `\uXXXX` text instead.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

/** Cuts text to at most `max` characters, saying so. */
export function cut(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters cut)`
}

/** The size in bytes of text as UTF-8: what GitHub's limits count. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/**
 * Text cut to at most `maxBytes` of UTF-8 at a line break, ending with `note`; unchanged when it
 * fits. For GitHub's limits on summaries, check run output and issue bodies.
 */
export function fitBytes(text: string, maxBytes: number, note: string): string {
  if (byteLength(text) <= maxBytes) return text
  const room = maxBytes - byteLength(note) - 2
  const head = Buffer.from(text).subarray(0, Math.max(room, 0)).toString('utf8')
  const atLine = head.lastIndexOf('\n')
  return `${atLine > 0 ? head.slice(0, atLine) : ''}\n\n${note}`
}
