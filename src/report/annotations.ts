import { printable } from '../checks/response.js'
import type { Finding } from '../model.js'
import { cut } from './escape.js'
import type { Report } from './model.js'
import { plural } from './text.js'

/** GitHub shows at most 10 error and 10 warning annotations of a step; it drops the rest. */
export const ANNOTATIONS_SHOWN = 10
/** An annotation's text is cut here: the job summary has the whole finding. */
const MESSAGE_LIMIT = 1000

export interface Annotation {
  level: 'error' | 'warning'
  title: string
  message: string
}

/**
 * One error annotation per failed check and one warning per warning, at most as many of each as
 * GitHub shows: when there are more, the last one shown names the rest. `reservedErrors` leaves
 * room for error annotations the step makes itself (the step's failure message).
 */
export function renderAnnotations(report: Report, reservedErrors = 0): Annotation[] {
  const of = (status: Finding['status']) => report.checks.filter((check) => check.status === status)
  return [
    ...capped(of('fail'), 'error', ANNOTATIONS_SHOWN - reservedErrors, 'failed check'),
    ...capped(of('warn'), 'warning', ANNOTATIONS_SHOWN, 'warning'),
  ]
}

function capped(
  checks: Finding[],
  level: Annotation['level'],
  room: number,
  noun: string,
): Annotation[] {
  if (room <= 0) return []
  const shown = checks.length > room ? checks.slice(0, room - 1) : checks
  const annotations = shown.map((check) => ({
    level,
    title: check.id,
    message: printable(
      cut(`${check.message} Fix: ${check.fix} (${check.reference})`, MESSAGE_LIMIT),
    ),
  }))
  const rest = checks.slice(shown.length)
  if (rest.length > 0) {
    annotations.push({
      level,
      title: `${plural(rest.length, `more ${noun}`)}`,
      message: `${rest.map((check) => check.id).join(', ')}: see the job summary.`,
    })
  }
  return annotations
}
