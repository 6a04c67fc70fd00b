import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs'
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

function isFresh(): boolean {
  const marker = join(root, '.output', 'nitro.json')
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0
  return built > Math.max(...SOURCES.map(s => newestMtime(join(root, s))))
}

export default async function setup() {
  if (process.env.TEST_SKIP_BUILD === '1' || isFresh()) return
  // Two test runs at once (say, two vitest processes) must not build over each other.
  const lock = join(root, '.nuxt-build.lock')
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock)
      break
    }
    catch {
      if (waited > 300_000) rmSync(lock, { recursive: true, force: true })
      await new Promise(r => setTimeout(r, 500))
    }
  }
  try {
    if (isFresh()) return
    console.info('[tests] building the app (sources changed since the last build)…')
    const started = new Date()
    // Nuxt 4 builds in node_modules/.cache/nuxt/.nuxt by default, and node_modules may be
    // shared by several checkouts (git worktrees), whose builds would then wipe each
    // other's files. This checkout's .nuxt/cache survives `nuxt prepare` and typecheck.
    const buildDir = join(root, '.nuxt', 'cache', 'build')
    // A CommonJS script that imports the CLI: Vite minifies with Terser through a worker whose
    // in-process fallback calls `require`, which an ES module script would not have.
    const script = `import('@nuxt/cli').then(({ runCommand }) => runCommand('build', ['--cwd', ${JSON.stringify(root)}], { overrides: { buildDir: ${JSON.stringify(buildDir)} } })).catch((error) => { console.error(error); process.exit(1) })`
    execFileSync(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
    // Date the build by when it read the sources, so a file saved during the build is
    // still newer than the marker and the next run builds again.
    utimesSync(join(root, '.output', 'nitro.json'), started, started)
  }
  finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
