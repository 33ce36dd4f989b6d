import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

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
 * Runs the action the way a runner does: a separate Node process with `INPUT_*` variables and
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. `entry` is `dist/index.js` (the bundle) or
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
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value

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
