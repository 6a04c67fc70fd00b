import { SMTPServer } from 'smtp-server'
import { freePort } from './server'

// A real SMTP server for the tests: it accepts every message (no TLS, any or no login) and
// keeps each one parsed. The MIME parsing is the small part of it the tests need:
// multipart bodies, base64 and quoted-printable, RFC 2047 encoded headers.

export interface MailPart {
  headers: Record<string, string>
  contentType: string
  filename?: string
  cid?: string
  content: Buffer
}

export interface ReceivedMail {
  envelopeTo: string[]
  headers: Record<string, string>
  subject: string
  messageId: string
  to: string
  from: string
  text: string
  html: string
  attachments: MailPart[]
  raw: string
}

export interface SmtpSink {
  port: number
  url: string
  messages: ReceivedMail[]
  /** Waits until `predicate` holds for the messages received so far (polls; throws after `timeoutMs`). */
  waitFor: (predicate: (messages: ReceivedMail[]) => boolean, timeoutMs?: number) => Promise<ReceivedMail[]>
  close: () => Promise<void>
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*(?==\?)?/g, (_m, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1').toString('utf8'))
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':')
    if (i <= 0) continue
    const name = line.slice(0, i).trim().toLowerCase()
    headers[name] ??= decodeWords(line.slice(i + 1).trim())
  }
  return headers
}

function param(header: string | undefined, name: string): string | undefined {
  const m = new RegExp(`${name}\\*?=(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(header ?? '')
  return m ? (m[1] ?? m[2]) : undefined
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64': return Buffer.from(body.replace(/\s+/g, ''), 'base64')
    case 'quoted-printable': {
      const bytes: number[] = []
      const text = body.replace(/=\r\n/g, '')
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
          bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
          i += 2
        }
        else {
          bytes.push(...Buffer.from(text[i]!, 'latin1'))
        }
      }
      return Buffer.from(bytes)
    }
    default: return Buffer.from(body, 'latin1')
  }
}

function leaves(entity: string): MailPart[] {
  const split = entity.indexOf('\r\n\r\n')
  const headers = parseHeaders(split < 0 ? entity : entity.slice(0, split))
  const body = split < 0 ? '' : entity.slice(split + 4)
  const contentType = headers['content-type'] ?? 'text/plain'
  if (/^multipart\//i.test(contentType)) {
    const boundary = param(contentType, 'boundary')!
    const parts = body.split(`--${boundary}`).slice(1)
    return parts.filter(p => !p.startsWith('--')).flatMap(p => leaves(p.replace(/^\r\n/, '').replace(/\r\n$/, '')))
  }
  const disposition = headers['content-disposition']
  return [{
    headers,
    contentType: contentType.split(';')[0]!.trim().toLowerCase(),
    filename: param(disposition, 'filename') ?? param(contentType, 'name'),
    cid: headers['content-id']?.replace(/^<|>$/g, ''),
    content: decodeBody(body, headers['content-transfer-encoding']),
  }]
}

/** Parses a raw RFC 5322 message as sent by nodemailer. */
export function parseMail(raw: string, envelopeTo: string[] = []): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n')
  const headers = parseHeaders(raw.slice(0, split))
  const parts = leaves(raw)
  const isAttachment = (p: MailPart) => !!p.filename || !!p.cid
  const text = parts.find(p => p.contentType === 'text/plain' && !isAttachment(p))
  const html = parts.find(p => p.contentType === 'text/html' && !isAttachment(p))
  return {
    envelopeTo,
    headers,
    subject: headers.subject ?? '',
    messageId: headers['message-id'] ?? '',
    to: headers.to ?? '',
    from: headers.from ?? '',
    text: text?.content.toString('utf8') ?? '',
    html: html?.content.toString('utf8') ?? '',
    attachments: parts.filter(isAttachment),
    raw,
  }
}

/** Starts an SMTP sink on `port` (a free one by default). */
export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  const messages: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' })
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        messages.push(parseMail(Buffer.concat(chunks).toString('latin1'), session.envelope.rcptTo.map(r => r.address)))
        callback()
      })
    },
  })
  const listenPort = port ?? await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(listenPort, '127.0.0.1', () => resolve())
  })
  return {
    port: listenPort,
    url: `smtp://127.0.0.1:${listenPort}`,
    messages,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (!predicate(messages)) {
        if (Date.now() > deadline) throw new Error(`the expected emails did not arrive; got: ${messages.map(m => `${m.to} "${m.subject}"`).join(', ') || 'none'}`)
        await new Promise(r => setTimeout(r, 50))
      }
      return messages
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  }
}
