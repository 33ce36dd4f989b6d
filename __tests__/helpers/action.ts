import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** A made-up token standing in for the `${{ github.token }}` a runner would put in. */
export const MADE_UP_GITHUB_TOKEN = 'ghs_madeUpTokenForTests0000000000000000'

/**
 * The default of every input in action.yml, as a runner passes them: a runner sets INPUT_* for
 * each input with a default, whether or not the workflow gives it.
 */
export const ACTION_DEFAULTS: Record<string, string> = (() => {
  const action = load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  return Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [
        name,
        String(input.default).replace('${{ github.token }}', MADE_UP_GITHUB_TOKEN),
      ]),
  )
})()

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** The JSON report the action wrote, if it wrote one. */
  report?: string
  /** The JUnit XML report the action wrote, if it wrote one. */
  junit?: string
}

/**
 * Runs the action the way a runner does: a separate Node process with `INPUT_*` variables (the
 * defaults of action.yml, then `inputs`) and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. `entry` is `dist/index.js` (the bundle) or
 * `src/index.ts` (the sources, through tsx).
 */
export async function runActionProcess(
  entry: 'dist/index.js' | 'src/index.ts',
  inputs: Record<string, string>,
  /** More environment, e.g. GITHUB_API_URL and the event for the GitHub features. */
  extraEnv: Record<string, string> = {},
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'action-run-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...extraEnv,
  }
  for (const [name, value] of Object.entries({ ...ACTION_DEFAULTS, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value

  const args = entry === 'src/index.ts' ? ['--import', 'tsx', entry] : [entry]
  const { code, stdout, stderr } = await new Promise<{
    code: number
    stdout: string
    stderr: string
  }>((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })

  const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
  const summary = await readFile(summaryFile, 'utf8')
  const report = outputs['report-file']
    ? await readFile(outputs['report-file'], 'utf8').catch(() => undefined)
    : undefined
  const junit = outputs['junit-file']
    ? await readFile(outputs['junit-file'], 'utf8').catch(() => undefined)
    : undefined
  await rm(dir, { recursive: true, force: true })
  return { code, stdout, stderr, outputs, summary, report, junit }
}

/** Reads the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(pattern)) outputs[match[1]] = match[3]
  return outputs
}
