import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'

/** The most of a response body the tool reads, before and after decompression. */
export const MAX_BODY_BYTES = 1024 * 1024

/**
 * Decodes a response body by its Content-Encoding, never producing more than
 * {@link MAX_BODY_BYTES}: a gzip bomb stops at the cap instead of filling memory.
 * Returns the problem instead when the body cannot be decoded within the cap.
 */
export function decodeBody(
  raw: Buffer,
  encoding: string | undefined,
): { text: string } | { problem: string } {
  const codings = (encoding ?? '')
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity')
  let body = raw
  try {
    // Codings are listed in the order they were applied: undo them from the last.
    for (const coding of codings.reverse()) body = decode(body, coding)
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      return {
        problem: `the ${codings.join(', ')} body decompresses to more than ${MAX_BODY_BYTES / 1024} KiB`,
      }
    }
    return { problem: `the body is not valid ${codings.join(', ')} (${(error as Error).message})` }
  }
  return { text: body.toString('utf8') }
}

function decode(body: Buffer, coding: string): Buffer {
  const options = { maxOutputLength: MAX_BODY_BYTES }
  if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body, options)
  if (coding === 'deflate') return inflateSync(body, options)
  if (coding === 'br') return brotliDecompressSync(body, options)
  throw new Error(`unsupported content coding ${JSON.stringify(coding)}`)
}
