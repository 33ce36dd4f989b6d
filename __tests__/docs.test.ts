/** docs/checks.md is generated from the catalogue; this fails when the two disagree. */
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { CHECKS_DOC, renderChecksDoc } from '../scripts/checks-doc.js'
import { CATALOGUE } from '../src/checks/catalogue.js'
import { checkAnchor } from '../src/report/summary.js'

describe('docs/checks.md', () => {
  it('is what `npm run docs` writes from the catalogue', async () => {
    expect(await readFile(CHECKS_DOC, 'utf8')).toBe(renderChecksDoc())
  })

  it('has one heading per check, which the summary links to', async () => {
    const doc = await readFile(CHECKS_DOC, 'utf8')
    const headings = [...doc.matchAll(/^### (.+)$/gm)].map((match) => match[1])
    expect(headings).toEqual(Object.keys(CATALOGUE))
    expect(checkAnchor('discovery.issuer-matches')).toBe('discoveryissuer-matches')
  })
})
