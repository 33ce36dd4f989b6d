/**
 * Writes docs/checks.md from the check catalogue: `npm run docs`. A test fails when the file
 * and the catalogue disagree.
 */
import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CATALOGUE, type CheckId, checksOfStage, definition } from '../src/checks/catalogue.js'
import { STAGE_TITLES, STAGES } from '../src/model.js'

const LEVELS = {
  must: 'must — a failure',
  should: 'should — a warning',
  info: 'info — reported, never changes the verdict',
}

/** The catalogue as Markdown, one section per stage and one heading per check. */
export function renderChecksDoc(): string {
  const count = Object.keys(CATALOGUE).length
  const lines = [
    '# The checks',
    '',
    `<!-- Generated from src/checks/catalogue/ by \`npm run docs\`; do not edit by hand. -->`,
    '',
    `Every check openactive-auth-check performs: ${count} in all. A \`must\` check that does not hold`,
    'fails the run; a `should` check warns (and fails the run with `fail-on: warning`); an `info`',
    'check only reports. Checks marked **strict** are RFC MUSTs that OpenActive booking partners',
    'tolerate in practice: warnings by default, failures with `strict: true`.',
    '',
  ]
  for (const stage of STAGES) {
    lines.push(`## ${STAGE_TITLES[stage]}`, '')
    for (const id of checksOfStage(stage)) lines.push(...entry(id))
  }
  return `${lines.join('\n')}`
}

function entry(id: CheckId): string[] {
  const check = definition(id)
  const level = `${LEVELS[check.level]}${check.strict ? '; **strict**: a failure with `strict: true`' : ''}`
  return [
    `### ${id}`,
    '',
    check.title,
    '',
    `- Level: ${level}`,
    `- Clause: ${check.reference}`,
    `- Fix: ${check.fix}`,
    '',
  ]
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const CHECKS_DOC = join(root, 'docs', 'checks.md')

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(CHECKS_DOC, renderChecksDoc())
  console.log(`Wrote ${CHECKS_DOC}`)
}
