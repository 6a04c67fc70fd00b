let stopping = false

/** True once the server has been asked to stop (plugins/shutdown.ts): /api/health then answers 503. */
export function isStopping(): boolean {
  return stopping
}

/** Marks the server as stopping. */
export function markStopping(): void {
  stopping = true
}
