import type { Report } from './model.js'

/** The machine-readable report: findings and the exchanges' outline, no bodies, no secrets. */
export function renderJson(report: Report): string {
  const {
    tool,
    issuer,
    result,
    failures,
    warnings,
    startedAt,
    durationMs,
    clientId,
    stages,
    checks,
  } = report
  const exchanges = report.exchanges.map(
    ({ stage, label, method, url, status, durationMs, error, retries }) => ({
      stage,
      label,
      method,
      url,
      status: status ?? null,
      durationMs,
      ...(error ? { error: error.message } : {}),
      ...(retries ? { retries } : {}),
    }),
  )
  const body = {
    tool,
    issuer,
    result,
    failures,
    warnings,
    startedAt,
    durationMs,
    clientId,
    stages,
    checks,
    exchanges,
  }
  return `${JSON.stringify(body, null, 2)}\n`
}
