import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'

// Builds the app once per run, and only when a source file is newer than the last build:
// the node-server output in .output (every API and browser test file starts it), and the
// serverless presets' outputs in .output-<preset> (tests/platforms).
const root = process.cwd()
const SOURCES = ['app.vue', 'error.vue', 'app.config.ts', 'nuxt.config.ts', 'package-lock.json', 'assets', 'components', 'composables', 'layouts', 'middleware', 'modules', 'pages', 'plugins', 'public', 'server', 'shared', 'utils']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs)
}

/** The output folder of a preset's build: `.output` for node-server. */
export function outputDir(preset = 'node-server'): string {
  return join(root, preset === 'node-server' ? '.output' : `.output-${preset}`)
}

function marker(preset: string): string {
  return join(outputDir(preset), '.built')
}

function isFresh(preset: string): boolean {
  const file = preset === 'node-server' ? join(outputDir(), 'nitro.json') : marker(preset)
  const built = existsSync(file) ? statSync(file).mtimeMs : 0
  return built > Math.max(...SOURCES.map(s => newestMtime(join(root, s))))
}

/** Builds `preset` unless its output is newer than every source (TEST_SKIP_BUILD=1: never). */
export async function buildIfStale(preset = 'node-server'): Promise<void> {
  if (process.env.TEST_SKIP_BUILD === '1' || isFresh(preset)) return
  // Two test runs at once (say, two vitest processes) must not build over each other.
  const lock = join(root, `.nuxt-build-${preset}.lock`)
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock)
      break
    }
    catch {
      if (waited > 600_000) rmSync(lock, { recursive: true, force: true })
      await new Promise(r => setTimeout(r, 500))
    }
  }
  try {
    if (isFresh(preset)) return
    console.info(`[tests] building the app for ${preset} (sources changed since the last build)…`)
    const started = new Date()
    // Nuxt 4 builds in node_modules/.cache/nuxt/.nuxt by default, and node_modules may be
    // shared by several checkouts (git worktrees), whose builds would then wipe each
    // other's files. This checkout's .nuxt/cache survives `nuxt prepare` and typecheck.
    const buildDir = join(root, '.nuxt', 'cache', preset === 'node-server' ? 'build' : `build-${preset}`)
    const overrides = preset === 'node-server'
      ? { buildDir }
      // Netlify's preset puts its static files in ./dist: here they go beside its functions.
      : { buildDir, nitro: { preset, output: { dir: outputDir(preset), ...(preset === 'netlify' && { publicDir: join(outputDir(preset), 'dist') }) } } }
    // A CommonJS script that imports the CLI: Vite minifies with Terser through a worker whose
    // in-process fallback calls `require`, which an ES module script would not have.
    const script = `import('@nuxt/cli').then(({ runCommand }) => runCommand('build', ['--cwd', ${JSON.stringify(root)}], { overrides: ${JSON.stringify(overrides)} })).catch((error) => { console.error(error); process.exit(1) })`
    if (preset !== 'node-server') rmSync(outputDir(preset), { recursive: true, force: true })
    execFileSync(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NITRO_PRESET: preset } })
    // Date the build by when it read the sources, so a file saved during the build is
    // still newer than the marker and the next run builds again.
    if (preset === 'node-server') utimesSync(join(outputDir(), 'nitro.json'), started, started)
    else {
      mkdirSync(outputDir(preset), { recursive: true })
      execFileSync('touch', [marker(preset)])
      utimesSync(marker(preset), started, started)
    }
  }
  finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
