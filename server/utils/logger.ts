import { format } from 'node:util'
import type { H3Event } from 'h3'
import pino from 'pino'
import type { Logger } from 'pino'
import pretty from 'pino-pretty'

let logger: Logger | undefined

/**
 * The process's logger (pino): one JSON object per line on stdout, with `level`, `time`,
 * `msg`, the `component` that spoke (`[db] …` becomes component "db") and, for what a
 * request caused, its `reqId`; NUXT_LOG_FORMAT=pretty prints coloured lines for a
 * terminal instead. NUXT_LOG_LEVEL (default info) drops what is below it.
 *
 * A server that keeps running (node-server, node-cluster) writes its lines asynchronously:
 * what is logged while a write is under way goes out with the next one, not one system call
 * per line on the event loop (a twentieth of serving a cached page), and pino writes out
 * what is left as the process exits. A serverless function writes each line at once: a
 * frozen function runs no pending write.
 */
export function useLogger(): Logger {
  if (!logger) {
    const { logFormat, logLevel } = useRuntimeConfig()
    const options: pino.LoggerOptions = {
      level: String(logLevel || 'info'),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: label => ({ level: label }) },
    }
    logger = String(logFormat) === 'pretty'
      ? pino(options, pretty({ colorize: Boolean(process.stdout.isTTY), sync: true, ignore: 'pid' }))
      : pino(options, pino.destination({ dest: 1, sync: isServerless() }))
  }
  return logger
}

/** The logger of one request: every line carries its id (X-Request-Id). */
export function requestLogger(event: H3Event): Logger {
  return (event.context.log ??= useLogger().child({ reqId: event.context.requestId }))
}

const COMPONENT = /^\[([\w:-]+)\]\s*/

/** console.* arguments as pino's (fields, message): `[db] text` gives component "db", an Error its stack. */
export function consoleArgs(args: unknown[]): [Record<string, unknown>, string] {
  const fields: Record<string, unknown> = {}
  const error = args.find(a => a instanceof Error)
  if (error) fields.err = error
  let msg = format(...args.filter(a => a !== error || args.length === 1))
  if (error && args.length === 1) msg = (error as Error).message
  const tag = COMPONENT.exec(msg)
  if (tag) {
    fields.component = tag[1]
    msg = msg.slice(tag[0].length)
  }
  return [fields, msg.trim()]
}

declare module 'h3' {
  interface H3EventContext {
    requestId?: string
    log?: Logger
  }
}
