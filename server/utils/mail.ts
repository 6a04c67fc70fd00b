import nodemailer from 'nodemailer'
import { flushOutbox } from '../domain/mail'
import { renderReport } from '../domain/reporting'
import type { FlushResult, MailContext } from '../domain/mail'

/** What the transactional emails need from configuration (site links, currency). */
export function useMailContext(): MailContext {
  const config = useRuntimeConfig()
  return { siteUrl: config.public.siteUrl as string, currency: config.public.currency as string }
}

/**
 * Sends the outbox's due rows once: to NUXT_SMTP_URL when it is set, otherwise they are
 * kept as captured. The transport has short timeouts, so a server that does not answer
 * fails the attempt (to be retried) instead of holding the rows' lease for long.
 */
export async function runMailFlush(): Promise<FlushResult> {
  const config = useRuntimeConfig()
  const smtpUrl = config.smtpUrl as string
  if (!smtpUrl) return flushOutbox(useDb(), { sender: null, from: config.mailFrom as string, render: renderReport })
  // One pooled connection carries the run's messages; it is closed when the run ends.
  const transport = nodemailer.createTransport({ pool: true, maxConnections: 1, url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 })
  try {
    return await flushOutbox(useDb(), { sender: transport, from: config.mailFrom as string, render: renderReport })
  }
  finally {
    transport.close()
  }
}

const KICK_DELAY_MS = 250
let timer: ReturnType<typeof setTimeout> | undefined
let running: Promise<unknown> | undefined
let again = false
let closing = false
let inline = false
let wanted = false

/**
 * For hosts that freeze the process once a response is returned (AWS Lambda): a flush asked
 * for is not put on a timer, which would run at some later thaw or never, but waits for
 * `runRequestedMailFlush`, which the host awaits before it returns the invocation's result.
 */
export function flushMailInline(): void {
  inline = true
}

/** Runs the flush asked for since the last call, if any (with `flushMailInline`). Never throws. */
export async function runRequestedMailFlush(): Promise<void> {
  if (!wanted) return
  wanted = false
  await runMailFlush().catch(err => console.error('[mail] flush failed:', (err as Error).message))
}

/**
 * Asks for a flush soon, so a confirmation arrives in seconds rather than at the next
 * minute's cron. Not awaited by the request; requests in quick succession share one flush,
 * and one asked for while a flush runs follows it. Safe beside the cron and other
 * instances: rows are claimed before they are sent.
 */
export function requestMailFlush(): void {
  if (closing) return
  if (inline) {
    wanted = true
    return
  }
  if (running) {
    again = true
    return
  }
  if (timer) return
  timer = setTimeout(() => {
    timer = undefined
    running = runMailFlush()
      .catch(err => console.error('[mail] flush failed:', (err as Error).message))
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          requestMailFlush()
        }
      })
  }, KICK_DELAY_MS)
  timer.unref?.()
}

/** For shutting down: no more flushes asked for; resolves once the one running (if any) is done. */
export async function stopMailFlushes(): Promise<void> {
  closing = true
  clearTimeout(timer)
  timer = undefined
  await running
}
