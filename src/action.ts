import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type * as Core from '@actions/core'
import { INPUT_NAMES, InputError, parseConfig, type RawInputs } from './config.js'
import { GitHubInputError, parseGitHubOptions, publishToGitHub } from './github/publish.js'
import { renderAnnotations } from './report/annotations.js'
import { renderJson } from './report/json.js'
import { renderJunit } from './report/junit.js'
import { failingChecks } from './report/model.js'
import { renderSummary } from './report/summary.js'
import { plural } from './report/text.js'
import { runCheck } from './run.js'

const SECRET_INPUTS = ['initial-access-token', 'client-secret', 'github-token'] as const
/** GitHub takes at most 65,535 characters of a check run's output summary. */
const CHECK_RUN_SUMMARY_BYTES = 65_000

/**
 * The action: inputs → check → job summary, report file and outputs. A failed check fails the
 * step; bad input fails it with a message naming the input.
 */
export async function runAction(): Promise<void> {
  // @actions/core, with the HTTP client it carries, is the largest part of the bundle: it loads
  // while the first requests are under way. What is masked or logged before then waits for it,
  // in order; nothing is written before it.
  let loaded: typeof Core | undefined
  const early: ((core: typeof Core) => void)[] = []
  const loading = import('@actions/core').then((core) => {
    loaded = core
    for (const call of early.splice(0)) call(core)
    return core
  })
  const withCore = (call: (core: typeof Core) => void) => {
    if (loaded) call(loaded)
    else early.push(call)
  }

  try {
    const masked = new Set<string>()
    const mask = (value: string) => {
      if (value && !masked.has(value)) withCore((core) => core.setSecret(value))
      masked.add(value)
    }
    for (const name of SECRET_INPUTS) mask(input(name))
    const raw: RawInputs = Object.fromEntries(INPUT_NAMES.map((name) => [name, input(name)]))
    const config = parseConfig(raw)
    const gitHub = parseGitHubOptions(input)

    const report = await runCheck(config, {
      onSecret: mask,
      log: (line) => withCore((core) => core.info(line)),
    })
    const core = await loading

    // One file per step, so that two checks in one job do not overwrite each other.
    const step = (process.env.GITHUB_ACTION || 'report').replace(/[^\w.-]/g, '_')
    const reportFile = join(
      process.env.RUNNER_TEMP || tmpdir(),
      `openactive-auth-check-${step}.json`,
    )
    const junitFile = resolve(
      input('junit-file') || join(dirname(reportFile), `openactive-auth-check-${step}.xml`),
    )
    // The files are some of the results: one that cannot be written is a warning, and the
    // verdict, the summary and the outputs stand.
    const save = async (what: string, file: string, text: string) => {
      try {
        await mkdir(dirname(file), { recursive: true })
        await writeFile(file, text)
        return file
      } catch (error) {
        core.warning(`The ${what} could not be written to ${file}: ${(error as Error).message}`)
        return ''
      }
    }
    const savedReport = await save('JSON report', reportFile, renderJson(report))
    const savedJunit = await save('JUnit report', junitFile, renderJunit(report))
    const docsUrl = catalogueUrl()
    await writeSummary(core, renderSummary(report, { docsUrl }))
    // The step's own failure message below is an error annotation too.
    for (const { level, title, message } of renderAnnotations(
      report,
      report.result === 'fail' ? 1 : 0,
    ))
      core[level](message, { title })

    const setOutputs = (outputs: Record<string, string>) => {
      try {
        for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
      } catch (error) {
        core.warning(`The step's outputs could not be set: ${(error as Error).message}`)
      }
    }
    setOutputs({
      result: report.result,
      failures: String(report.failures),
      warnings: String(report.warnings),
      'client-id': report.clientId ?? '',
      'report-file': savedReport,
      'junit-file': savedJunit,
    })

    const counts = `${plural(report.failures, 'failure')}, ${plural(report.warnings, 'warning')}`
    const published = await publishToGitHub(
      report,
      gitHub,
      {
        checkRunOutput: {
          title: `${report.result === 'pass' ? 'Passed' : 'Failed'}: ${counts}`,
          summary: renderSummary(report, { docsUrl, maxBytes: CHECK_RUN_SUMMARY_BYTES }),
        },
        docsUrl,
      },
      { info: core.info, notice: core.notice, warning: core.warning },
    )
    setOutputs({
      'check-run-url': published.checkRunUrl ?? '',
      'issue-url': published.issueUrl ?? '',
    })

    if (report.result === 'fail') {
      const failing = failingChecks(report)
      const which = failing.length > 0 ? ` (${failing.join(', ')})` : ''
      core.setFailed(`OpenActive auth check failed: ${counts}${which}. See the job summary.`)
    } else core.info(`OpenActive auth check passed: ${counts}.`)
  } catch (error) {
    const core = await loading
    if (error instanceof InputError || error instanceof GitHubInputError)
      core.setFailed(`Input ${error.message}`)
    else
      core.setFailed(
        `Internal error in openactive-auth-check: ${error instanceof Error ? error.stack : String(error)}`,
      )
  }
}

/** An input as the runner passes it, in INPUT_<NAME>, trimmed: what core.getInput returns. */
function input(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

async function writeSummary(core: typeof Core, markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written.')
    return
  }
  // The summary is one of several results: the outputs, the report files and the verdict stand.
  await core.summary
    .addRaw(markdown)
    .write()
    .catch((error: Error) => core.warning(`The job summary could not be written: ${error.message}`))
}

/** docs/checks.md in the repository and version of this action, when the runner says which. */
function catalogueUrl(): string | undefined {
  const { GITHUB_ACTION_REPOSITORY: repository, GITHUB_ACTION_REF: ref } = process.env
  if (!repository || !ref) return undefined
  const server = process.env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${repository}/blob/${ref}/docs/checks.md`
}
