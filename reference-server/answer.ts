import type { ServerResponse } from 'node:http'

/** A whole HTTP answer, for the handlers that do not go through oidc-provider. */
export interface PlainAnswer {
  status: number
  headers: Record<string, string>
  body?: string
}

/** Sends `answer`, without its body for a HEAD request. */
export function writeAnswer(res: ServerResponse, answer: PlainAnswer, method?: string): void {
  res.writeHead(answer.status, answer.headers)
  res.end(method === 'HEAD' ? undefined : answer.body)
}

/** A minimal HTML page, as a web framework's error or login page would be. */
export function htmlPage(title: string, text: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${text}</p></body></html>\n`
  )
}

/** An HTML page answer with `status`. */
export function htmlAnswer(status: number, title: string, text: string): PlainAnswer {
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: htmlPage(title, text),
  }
}
