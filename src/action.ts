import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { INPUT_NAMES, InputError, parseConfig, type RawInputs } from './config.js'
import { renderJson } from './report/json.js'
import { renderSummary } from './report/summary.js'
import { plural } from './report/text.js'
import { runCheck } from './run.js'

const SECRET_INPUTS = ['initial-access-token', 'client-secret'] as const

/**
 * The action: inputs → check → job summary, report file and outputs. A failed check fails the
 * step; bad input fails it with a message naming the input.
 */
export async function runAction(): Promise<void> {
  try {
    const masked = new Set<string>()
    const mask = (value: string) => {
      if (value && !masked.has(value)) core.setSecret(value)
      masked.add(value)
    }
    for (const name of SECRET_INPUTS) mask(core.getInput(name))
    const raw: RawInputs = Object.fromEntries(
      INPUT_NAMES.map((name) => [name, core.getInput(name)]),
    )
    const config = parseConfig(raw)

    const report = await runCheck(config, {
      onSecret: mask,
      log: (line) => core.info(line),
    })

    // One file per step, so that two checks in one job do not overwrite each other.
    const step = (process.env.GITHUB_ACTION || 'report').replace(/[^\w.-]/g, '_')
    const reportFile = join(
      process.env.RUNNER_TEMP || tmpdir(),
      `openactive-auth-check-${step}.json`,
    )
    await writeFile(reportFile, renderJson(report))
    await writeSummary(renderSummary(report, { docsUrl: catalogueUrl() }))

    core.setOutput('result', report.result)
    core.setOutput('failures', String(report.failures))
    core.setOutput('warnings', String(report.warnings))
    core.setOutput('client-id', report.clientId ?? '')
    core.setOutput('report-file', reportFile)

    const counts = `${plural(report.failures, 'failure')}, ${plural(report.warnings, 'warning')}`
    if (report.result === 'fail') {
      const failing = report.checks.filter((check) => check.status === 'fail').map((c) => c.id)
      const which = failing.length > 0 ? ` (${failing.join(', ')})` : ''
      core.setFailed(`OpenActive auth check failed: ${counts}${which}. See the job summary.`)
    } else core.info(`OpenActive auth check passed: ${counts}.`)
  } catch (error) {
    if (error instanceof InputError) core.setFailed(`Input ${error.message}`)
    else
      core.setFailed(
        `Internal error in openactive-auth-check: ${error instanceof Error ? error.stack : String(error)}`,
      )
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written.')
    return
  }
  await core.summary.addRaw(markdown).write()
}

/** docs/checks.md in the repository and version of this action, when the runner says which. */
function catalogueUrl(): string | undefined {
  const { GITHUB_ACTION_REPOSITORY: repository, GITHUB_ACTION_REF: ref } = process.env
  if (!repository || !ref) return undefined
  const server = process.env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${repository}/blob/${ref}/docs/checks.md`
}
