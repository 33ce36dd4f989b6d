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
    for (const name of SECRET_INPUTS) {
      const value = core.getInput(name)
      if (value) core.setSecret(value)
    }
    const raw: RawInputs = Object.fromEntries(
      INPUT_NAMES.map((name) => [name, core.getInput(name)]),
    )
    const config = parseConfig(raw)

    const report = await runCheck(config, {
      onSecret: (value) => core.setSecret(value),
      log: (line) => core.info(line),
    })

    const reportFile = join(
      process.env.RUNNER_TEMP || tmpdir(),
      'openactive-auth-check-report.json',
    )
    await writeFile(reportFile, renderJson(report))
    await writeSummary(renderSummary(report))

    core.setOutput('result', report.result)
    core.setOutput('failures', String(report.failures))
    core.setOutput('warnings', String(report.warnings))
    core.setOutput('client-id', report.clientId ?? '')
    core.setOutput('report-file', reportFile)

    const counts = `${plural(report.failures, 'failure')}, ${plural(report.warnings, 'warning')}`
    if (report.result === 'fail')
      core.setFailed(`OpenActive auth check failed: ${counts}. See the job summary.`)
    else core.info(`OpenActive auth check passed: ${counts}.`)
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
