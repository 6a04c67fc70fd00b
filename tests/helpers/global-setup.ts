import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

// Builds the app once per run, and only when a source file is newer than the last build,
// so every API and browser test file starts the same real production server.
const root = process.cwd()
const SOURCES = ['app.vue', 'error.vue', 'app.config.ts', 'nuxt.config.ts', 'package-lock.json', 'assets', 'components', 'composables', 'layouts', 'middleware', 'pages', 'plugins', 'public', 'server', 'shared', 'utils']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs)
}

export default function setup() {
  if (process.env.TEST_SKIP_BUILD === '1') return
  const marker = join(root, '.output', 'nitro.json')
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0
  const newest = Math.max(...SOURCES.map(s => newestMtime(join(root, s))))
  if (built > newest) return
  console.info('[tests] building the app (sources changed since the last build)…')
  execFileSync('npx', ['nuxt', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}
