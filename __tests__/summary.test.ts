/**
 * What a seller reads in the job summary, the JUnit report and the annotations, rendered from
 * real runs against the reference server and a throwaway server with a huge, hostile answer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startReferenceServer } from '../reference-server/server.js'
import { CATALOGUE, type CheckId, violated } from '../src/checks/catalogue.js'
import { parseConfig } from '../src/config.js'
import { renderAnnotations } from '../src/report/annotations.js'
import { renderJunit } from '../src/report/junit.js'
import { buildReport, type Report } from '../src/report/model.js'
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../src/report/summary.js'
import { renderTerminal } from '../src/report/terminal.js'
import { runCheck } from '../src/run.js'
import { Secrets } from '../src/secrets.js'

const DOCS = 'https://github.com/openactive/openactive-auth-check/blob/v1/docs/checks.md'
const bytes = (text: string) => Buffer.byteLength(text)

describe('the job summary of a failing run', () => {
  let report: Report
  let summary: string

  beforeAll(async () => {
    const server = await startReferenceServer({ faults: ['access-token-wrong-issuer'] })
    try {
      const config = parseConfig({
        issuer: server.issuer,
        'initial-access-token': server.initialAccessToken,
        'orders-feed-url': server.ordersFeedUrl,
        'allow-insecure-http': 'true',
      })
      report = await runCheck(config)
    } finally {
      await server.close()
    }
    summary = renderSummary(report, { docsUrl: DOCS })
  })

  it('opens with the verdict and the counts', () => {
    expect(summary).toMatch(/^## ❌ OpenActive auth check failed\n/)
    expect(summary).toContain('| ❌ Failed | ⚠️ Warnings | ✅ Passed | ⏭️ Skipped |')
    expect(report.failures).toBe(2) // the token's iss, and so the Orders feed refuses it
    expect(summary).toMatch(/\n\| 2 \| 0 \| \d+ \| \d+ \|\n/)
  })

  it('prints, in a terminal, a stage skipped whole once and the skipped count in the verdict', () => {
    const terminal = renderTerminal(report)
    expect(terminal).toMatch(
      /\n {4}- 16 checks: Skipped: not enabled \(give seller-username and seller-password to check it\)\.\n/,
    )
    expect(terminal).not.toContain('authorization.login')
    expect(terminal).toMatch(
      /\nFAIL: 2 failures, 0 warnings, \d+ passed, \d+ skipped, in \d+ ms\n$/,
    )
  })

  it('groups the requests by stage, each stage under one heading', () => {
    for (const title of ['Discovery', 'Dynamic Client Registration', 'Orders feed'])
      expect(summary.match(new RegExp(`^#### ${title}$`, 'gm'))).toHaveLength(1)
    expect(summary).toContain('Delete the registered client (RFC 7592)')
  })

  it('has a row per stage with its status and time', () => {
    expect(summary).toMatch(/\| ✅ pass \| Discovery \| \d+ ms \|/)
    expect(summary).toMatch(/\| ❌ fail \| Access token \| \d+ ms \|/)
    expect(summary).toMatch(/\| ❌ fail \| Orders feed \| \d+ ms \|/)
  })

  it('links the failed check to its catalogue entry, with the fix', () => {
    expect(summary).toMatch(
      new RegExp(
        `\\| ❌ fail \\| \\[\`access-token.issuer\`\\]\\(${DOCS}#access-tokenissuer\\) \\| iss is .*<br>\\*\\*Fix:\\*\\* ${CATALOGUE['access-token.issuer'].fix}`,
      ),
    )
  })

  it('shows the access token header and claims, without the signature', () => {
    expect(summary).toContain(
      '### Access token\n\nDecoded without the signature, which is left out.',
    )
    expect(summary).toContain('| header | <code>typ</code> | &quot;at+jwt&quot; |')
    expect(summary).toMatch(/\| claims \| <code>iss<\/code> \| &quot;http:\/\/[^|]+&quot; \|/)
    expect(summary).toMatch(/\| claims \| <code>exp<\/code> \| \d+ \(\d{4}-\d\d-\d\dT[\d:.]+Z\) \|/)
    // Neither the signature nor the token itself is anywhere.
    expect(summary).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/)
  })

  it('draws a waterfall of the requests, marking the slowest', () => {
    expect(summary).toContain('### Waterfall')
    expect(summary).toMatch(/\| 1 \| Discovery \| GET \| 200 \| \+0 ms \| [^|]+ \| `░*█+` \|/)
    expect(summary.match(/\(slowest\)/g)).toHaveLength(1)
    const rows = summary.match(/^\| \d+ \| .* \| `[░█]+` \|$/gm) ?? []
    expect(rows).toHaveLength(report.exchanges.length)
  })

  it('shows each exchange in a collapsed section, secrets redacted', () => {
    expect(summary).toContain('<summary>Discovery: GET → HTTP 200 (')
    expect(summary).toContain('authorization: Bearer [REDACTED]')
    expect(summary).toContain('&quot;client_secret&quot;: &quot;[REDACTED]&quot;')
  })
})

describe('a server answering with a huge, hostile discovery document', () => {
  let server: Server
  let report: Report

  beforeAll(async () => {
    const hostile = '<script>alert(1)</script>|`'
    // 900 KB (under the client's 1 MiB cap) of characters that grow fivefold when escaped.
    const body = JSON.stringify({ issuer: hostile, padding: "<&'".repeat(300_000) })
    server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-note': '<b>hi</b>' }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    report = await runCheck(
      parseConfig({
        issuer,
        'client-id': 'client',
        'client-secret': 's3cret-value',
        'allow-insecure-http': 'true',
      }),
    )
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('escapes everything the server sent and cuts the body, saying so', () => {
    const summary = renderSummary(report)
    expect(summary).not.toContain('<script>')
    expect(summary).not.toContain('<b>hi</b>')
    expect(summary).toContain('x-note: &lt;b&gt;hi&lt;/b&gt;')
    expect(summary).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\|&#96;')
    expect(summary).toMatch(
      /… \(\d{6,} more characters cut to keep the summary within the size GitHub accepts\)/,
    )
    expect(bytes(summary)).toBeLessThan(100_000)
  })

  it('stays under 1 MiB however many such answers there are, naming what it left out', () => {
    const many = { ...report, exchanges: Array(300).fill(report.exchanges[0]) }
    const summary = renderSummary(many)
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(bytes(summary)).toBeLessThan(1024 * 1024)
    expect(summary).toMatch(/\*\*\d+ more requests left out\*\*: the job summary must stay under/)
    expect(summary).toMatch(/<\/details>\n\n\*\*\d+ more requests/)
    // A check run's output takes at most 65,535 characters.
    expect(bytes(renderSummary(many, { maxBytes: 65_000 }))).toBeLessThanOrEqual(65_000)
  })
})

/** A report with the given checks failing or warning (by catalogue level), from no server. */
function reportOf(ids: CheckId[], message = 'seen'): Report {
  return buildReport({
    config: parseConfig({ issuer: 'https://auth.example.test', 'initial-access-token': 'iat' }),
    findings: ids.map((id) => violated(id, message)),
    exchanges: [],
    timings: {},
    startedAt: new Date(0),
    durationMs: 5,
    secrets: new Secrets(),
  })
}

const ids = (level: 'must' | 'should') =>
  (Object.keys(CATALOGUE) as CheckId[]).filter((id) => CATALOGUE[id].level === level)

describe('the JUnit report', () => {
  it('has a test case per check, failures and warnings told apart, text escaped', () => {
    const [must] = ids('must')
    const [should] = ids('should')
    const xml = renderJunit(reportOf([must, should], 'got "<a>" & ]]> \u0001 here'))
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name=/)
    expect(xml).toMatch(/<testsuites [^>]*tests="2" failures="1" errors="0" skipped="0"/)
    expect(xml).toContain(
      `<failure type="must" message="got &quot;&lt;a&gt;&quot; &amp; ]]&gt; \\u0001 here">`,
    )
    expect(xml).toContain(`name="${should}" time="0">`)
    expect(xml).toContain('<property name="status" value="warn"/>')
    expect(xml).toContain('<system-out>Warning: got &quot;&lt;a&gt;&quot;')
    expect(xml.match(/<testcase /g)).toHaveLength(2)
    expect(xml).not.toMatch(/[\u0000-\u0008]/)
  })
})

describe('the annotations', () => {
  it('are one per failure and warning, capped at what GitHub shows, the rest named', () => {
    const annotations = renderAnnotations(reportOf([...ids('must'), ...ids('should')]), 1)
    const errors = annotations.filter((item) => item.level === 'error')
    const warnings = annotations.filter((item) => item.level === 'warning')
    expect(errors).toHaveLength(9)
    expect(errors[0]).toEqual({
      level: 'error',
      title: ids('must')[0],
      message: expect.stringContaining(`seen Fix: ${CATALOGUE[ids('must')[0]].fix}`),
    })
    expect(errors[8].title).toBe(`${ids('must').length - 8} more failed checks`)
    expect(errors[8].message).toContain(ids('must').at(-1))
    expect(warnings.length).toBe(Math.min(ids('should').length, 10))
  })
})
