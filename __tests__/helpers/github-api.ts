import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the action made to the GitHub API. */
export interface ApiRequest {
  method: string
  path: string
  authorization?: string
  body: Record<string, unknown> | undefined
}

export interface FakeIssue {
  number: number
  title: string
  body: string
  labels: string[]
  state: 'open' | 'closed'
  comments: string[]
}

/**
 * A loopback stand-in for the GitHub REST API: the check runs and issues routes the action uses,
 * with issues kept in memory so that runs in sequence see each other's work. `forbidden` answers
 * every write as a fork pull request's read-only token gets answered.
 */
export interface FakeGitHubApi {
  url: string
  requests: ApiRequest[]
  issues: FakeIssue[]
  forbidden: boolean
  close(): Promise<void>
}

export async function startFakeGitHubApi(): Promise<FakeGitHubApi> {
  const api: Omit<FakeGitHubApi, 'url' | 'close'> = { requests: [], issues: [], forbidden: false }
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined
      const method = req.method ?? 'GET'
      api.requests.push({
        method,
        path: url.pathname + url.search,
        authorization: req.headers.authorization,
        body,
      })
      const [status, answer] = route(api, method, url, body)
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(api, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  })
}

function route(
  api: Omit<FakeGitHubApi, 'url' | 'close'>,
  method: string,
  url: URL,
  body: Record<string, unknown> | undefined,
): [number, unknown] {
  const path = url.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, '')
  const html = (suffix: string) => `https://github.test/owner/repo/${suffix}`
  if (method !== 'GET' && api.forbidden) {
    return [
      403,
      {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      },
    ]
  }
  if (method === 'POST' && path === '/check-runs') {
    return [201, { id: 1, html_url: html('runs/1') }]
  }
  if (method === 'GET' && path === '/issues') {
    const label = url.searchParams.get('labels')
    const found = api.issues.filter(
      (issue) => issue.state === 'open' && label !== null && issue.labels.includes(label),
    )
    return [200, found.map((issue) => ({ ...issue, html_url: html(`issues/${issue.number}`) }))]
  }
  if (method === 'POST' && path === '/issues') {
    const issue: FakeIssue = {
      number: api.issues.length + 1,
      title: String(body?.title),
      body: String(body?.body),
      labels: (body?.labels as string[]) ?? [],
      state: 'open',
      comments: [],
    }
    api.issues.push(issue)
    return [201, { ...issue, html_url: html(`issues/${issue.number}`) }]
  }
  const match = /^\/issues\/(\d+)(\/comments)?$/.exec(path)
  const issue = match && api.issues.find((item) => item.number === Number(match[1]))
  if (issue && match[2] && method === 'POST') {
    issue.comments.push(String(body?.body))
    return [201, { id: issue.comments.length }]
  }
  if (issue && !match[2] && method === 'PATCH') {
    if (typeof body?.body === 'string') issue.body = body.body
    if (body?.state === 'closed') issue.state = 'closed'
    return [200, { ...issue, html_url: html(`issues/${issue.number}`) }]
  }
  return [404, { message: 'Not Found' }]
}
