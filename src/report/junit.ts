import { printable } from '../checks/response.js'
import { type Finding, STAGE_TITLES } from '../model.js'
import { escapeXml } from './escape.js'
import type { Report } from './model.js'

/**
 * The JUnit XML report, as test-report actions read it: one test suite per stage, one test case
 * per check. A failure is a `<failure type="must">`; a warning is a passing test case with the
 * property `status` = `warn` and the warning in its `<system-out>`, or, with `fail-on: warning`,
 * a `<failure type="warning">`; a skipped check is `<skipped>` with the reason.
 */
export function renderJunit(report: Report): string {
  const failures = (checks: Finding[]) => checks.filter((check) => failed(report, check)).length
  const skips = (checks: Finding[]) => checks.filter((check) => check.status === 'skip').length

  const suites = report.stages.map(({ stage, durationMs }) => {
    const checks = report.checks.filter((check) => check.stage === stage)
    return [
      `  <testsuite ${attributes({
        name: STAGE_TITLES[stage],
        tests: checks.length,
        failures: failures(checks),
        errors: 0,
        skipped: skips(checks),
        time: seconds(durationMs),
        timestamp: report.startedAt,
      })}>`,
      ...checks.map((check) => testCase(report, check)),
      '  </testsuite>',
    ].join('\n')
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attributes({
      name: `${report.tool.name} ${report.issuer}`,
      tests: report.checks.length,
      failures: failures(report.checks),
      errors: 0,
      skipped: skips(report.checks),
      time: seconds(report.durationMs),
      timestamp: report.startedAt,
    })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}

function failed(report: Report, check: Finding): boolean {
  return check.status === 'fail' || (check.status === 'warn' && report.failOn === 'warning')
}

function testCase(report: Report, check: Finding): string {
  const open = `    <testcase ${attributes({ classname: `${report.tool.name}.${check.stage}`, name: check.id, time: '0' })}>`
  const properties = [
    '      <properties>',
    `        <property ${attributes({ name: 'status', value: check.status })}/>`,
    `        <property ${attributes({ name: 'level', value: check.level })}/>`,
    `        <property ${attributes({ name: 'clause', value: check.reference })}/>`,
    '      </properties>',
  ]
  const details = `${check.message}\nFix: ${check.fix}\nClause: ${check.reference}`
  const body: string[] = []
  if (failed(report, check)) {
    const type = check.status === 'fail' ? 'must' : 'warning'
    body.push(
      `      <failure ${attributes({ type, message: check.message })}>${text(details)}</failure>`,
    )
  } else if (check.status === 'warn') {
    body.push(`      <system-out>${text(`Warning: ${details}`)}</system-out>`)
  } else if (check.status === 'skip') {
    body.push(`      <skipped ${attributes({ message: check.message })}/>`)
  } else {
    body.push(`      <system-out>${text(check.message)}</system-out>`)
  }
  return [open, ...properties, ...body, '    </testcase>'].join('\n')
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${escapeXml(printable(String(value)).replace(/\n/g, ' '))}"`)
    .join(' ')
}

function text(value: string): string {
  return escapeXml(printable(value.replace(/\r\n?/g, '\n')))
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3)
}
