// Preloaded into the action to measure it: writes its peak resident set size (KiB) on exit.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
})
