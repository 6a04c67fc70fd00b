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

/** Resolves true once start-up is done, or false after `ms` (the request then answers 503). */
export function startedWithin(ms: number): Promise<boolean> {
  if (useDbState().ready) return Promise.resolve(true)
  const timeout = new Promise<false>(resolve => setTimeout(resolve, ms, false).unref())
  return Promise.race([started.then(() => useDbState().ready), timeout])
}

/**
 * A serverless build (Vercel, Netlify, AWS Lambda, Cloudflare…): a function per request or
 * per burst, frozen between them, with no disk worth writing to. node-server and
 * node-cluster (and the dev server) are not.
 */
export function isServerless(preset = String(import.meta.preset ?? '')): boolean {
  return !preset.startsWith('node') && preset !== 'nitro-dev' && preset !== 'nitro-prerender'
}
