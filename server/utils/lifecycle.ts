let stopping = false

/** True once the server has been asked to stop (plugins/shutdown.ts): /api/health then answers 503. */
export function isStopping(): boolean {
  return stopping
}

/** Marks the server as stopping. */
export function markStopping(): void {
  stopping = true
}

let started: Promise<void> = Promise.resolve()

/** Keeps the start-up's work (plugins/startup.ts), for requests that arrive before it is done. */
export function markStarting(work: Promise<void>): void {
  started = work.catch(err => console.error('[ticketshow] start-up failed:', err))
}

let behindFound: () => void = () => {}
let behind = new Promise<void>((resolve) => {
  behindFound = resolve
})

/** Start-up found the schema behind the build (serverless): waiting requests answer 503 now. */
export function markBehind(): void {
  behindFound()
  behind = Promise.resolve()
}

/**
 * Resolves true once start-up is done, or false after `ms` or as soon as start-up finds the
 * schema behind this build (the request then answers 503).
 */
export function startedWithin(ms: number): Promise<boolean> {
  if (useDbState().ready) return Promise.resolve(true)
  if (useDbState().behind) return Promise.resolve(false)
  const timeout = new Promise<false>(resolve => setTimeout(resolve, ms, false).unref())
  return Promise.race([started.then(() => useDbState().ready), timeout, behind.then(() => false)])
}

/**
 * A serverless build (Vercel, Netlify, AWS Lambda, Cloudflare…): a function per request or
 * per burst, frozen between them, with no disk worth writing to. node-server and
 * node-cluster (and the dev server) are not.
 */
export function isServerless(preset = String(import.meta.preset ?? '')): boolean {
  return !preset.startsWith('node') && preset !== 'nitro-dev' && preset !== 'nitro-prerender'
}
