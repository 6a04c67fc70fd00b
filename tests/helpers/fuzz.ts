import { Agent, request as httpRequest } from 'node:http'

// The pieces of tests/api/fuzz.test.ts that know nothing of TicketShow: a seeded generator,
// malformed values for paths, queries and bodies, how the server reads a JSON body, and
// what no answer may ever show.

/** A seeded generator (mulberry32): the same seed gives the same cases on every run. */
export function seeded(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
  }
}
export type Random = ReturnType<typeof seeded>

/**
 * Path segments that name nothing there can be (sent as they are, percent-encoded where
 * they must be): out of range, not whole numbers, other spellings of a real id (`0x7`,
 * `7.0`, ` 7`), NUL, traversal, unicode, malformed escapes, 5 KB.
 */
export function badIds(real: number): string[] {
  return [
    '0', '-1', '-0', '2147483648', '4294967297', '9007199254740993', '99999999999999999999', '1e400', '-2147483649',
    `${real}.0`, `${real}.5`, `0x${real.toString(16)}`, `0o${real.toString(8)}`, `0b${real.toString(2)}`, `${real}e0`, `+${real}`, `0${real}`, `%20${real}`, `${real}%20`, `%09${real}`, `${real}%0A`,
    `${real}%00`, '%00', `${real},${real}`, `${real}%2C${real + 1}`, `${real};`, `${real}'`, `${real}%27%20OR%20%271%27%3D%271`, `${real}%3B%20DROP%20TABLE%20users`,
    'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '%5B%5D', '%7B%7D', '%5B1%5D',
    '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f', '..%5C..%5Cwindows', '%252e%252e%252f', '%C0%AF', '%C0%AE%C0%AE', '%ZZ', '%', '%E2%80%AE1', '%EF%BC%91', '%D9%A1', '%F0%9F%8E%AB', '%C7%85',
    '__proto__', 'constructor', 'prototype', 'a'.repeat(5000), '1'.repeat(5000), '9'.repeat(400),
  ]
}

/** Task names that are not tasks, including near misses of real ones. */
export const BAD_NAMES = [
  'no-such-task', 'MAIL:FLUSH', 'mail:flush%20', '%20mail:flush', 'mail:flush%00', 'mail%3Aflush.', 'mail:flush%0A', 'db:seed%3B', 'mail', 'mail:', ':flush', '*', '%2A',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype',
  '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%ZZ', '%C0%AF', '%F0%9F%8E%AB', '1', '-1', '0x1', 'a'.repeat(5000), 'tasks%2Fmail:flush',
]

/** Raw (already encoded) query values of every wrong kind. */
export const BAD_QUERY_VALUES = [
  '', '-1', '0', '-0', '1.5', '1e3', '1e400', '0x10', '99999999999999999999', '2147483648', 'NaN', 'Infinity', 'true', 'false', 'null', 'undefined',
  '%00', 'a%00b', '%01', '%7F', '%ZZ', '%', '%C0%AF', '%F0%9F%8E%AB', '%E2%80%AE', '%5B%5D', '%7B%7D', '%27%20OR%201%3D1%20--', '..%2F..%2Fetc%2Fpasswd',
  'a'.repeat(5000), '%25'.repeat(1000), '2026-02-30', '2024-02-29', '0000-01-01', '9999-12-31', '2026-13-01T25:61:00Z', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-12:00', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00%2B14:00', '2026-11-29T18:30:00', '__proto__',
]

/** Whole raw query strings: repeated keys, bracket keys, prototype keys, no values. */
export function badQueryStrings(name: string): string[] {
  return [
    `${name}=1&${name}=2`, `${name}=a&${name}=b&${name}=c`, `${name}[]=1`, `${name}[a]=1`, `${name}[__proto__]=1`, `${name}`, `${name}=`, `&&${name}==1`, `${name}=1%26x%3D2`,
    `__proto__=1`, `__proto__[x]=1`, `constructor[prototype][x]=1`, `${name}=${'x'.repeat(10_000)}`,
  ]
}

/** Values that are wrong for a field of any type (the schema decides which are refused). */
export const BAD_FIELD_VALUES: unknown[] = [
  0, -1, 1.5, -0.000001, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, true, false, null, '', ' ', 'x', '1', '-1', '1.5', 'true', 'null',
  [], [1], ['x'], [[]], [null], {}, { value: 1 }, { $gt: '' }, { __type: 'Date' },
  'a\u0000b', '\u0007', '\u001b[31m', 'a\r\nb', '\ud800', '\u202eevil', '\u200b', 'ǅ漢字🎫', '😀'.repeat(300),
  '\'; DROP TABLE users; --', '\' OR \'1\'=\'1', '"', '\\', '../../etc/passwd', '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '%00', '%s%s%s%n',
  '2026-02-30T10:00:00Z', '1970-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59-12:00', '2026-11-29T18:30:00+99:99', 'Invalid Date',
  'x'.repeat(256), 'x'.repeat(5001), 'x'.repeat(60_000),
]

/** Raw JSON tokens to put where a field's value goes (numbers JSON.stringify cannot write). */
export const RAW_FIELD_TOKENS = ['1e400', '-1e400', '-0', '1E2', '0.1e1', '1.0', '10000000000000000000000', '123456789012345678901234567890.5', '"\\u0000"', '"\\ud800\\udc00"', '"\\uD83C"']

/** Whole bodies that are no valid JSON object (or no JSON at all). */
export const BAD_BODIES: string[] = [
  '', ' ', '{', '}', '{"', '{"a":', '{"a":1,}', '{\'a\':1}', '{a:1}', '[]', '[1,2]', '"text"', '123', '-1', 'true', 'false', 'null', 'undefined', 'NaN', 'Infinity',
  '\uFEFF{}', '{}{}', '{"a":1}garbage', '\u0000', '%7B%7D', 'a=1&b=2', '<xml/>', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}',
  `${'['.repeat(30_000)}${']'.repeat(30_000)}`, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, `[${'"x",'.repeat(15_000)}"x"]`,
  `{"a":"${'x'.repeat(60_000)}"}`,
]

/** Deeply nested JSON (arrays and objects) to put where a field's value goes, within the 64 KB limit. */
export const DEEP_TOKENS = [`${'['.repeat(20_000)}1${']'.repeat(20_000)}`, `${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}`]

/** Fields added to an otherwise good body: unknown, privileged and prototype keys. */
export const EXTRA_FIELDS: Array<Record<string, unknown>> = [
  { role: 'admin' }, { approved: true, approvedAt: '2020-01-01T00:00:00Z' }, { id: 1 }, { userId: 1 }, { isAdmin: true }, { sessionVersion: 0 }, { passwordHash: 'x' },
  { unknownField: 'x'.repeat(5000) }, { ['x'.repeat(1000)]: 1 }, { '': 1 }, { 'a.b': 1 }, { $where: '1' },
]

/** Raw JSON with a prototype key spliced into a good body. */
export function withPrototypeKey(json: string): string[] {
  const open = json.slice(0, -1) + (json.length > 2 ? ',' : '')
  return [`${open}"__proto__":{"role":"admin"}}`, `${open}"constructor":{"prototype":{"role":"admin"}}}`, `${open}"constructor":"x"}`, `${open}"\\u005f_proto__":{"role":"admin"}}`]
}

/** Content types a JSON body may be refused with, and JSON ones written differently. */
export const CONTENT_TYPES: Array<string | undefined> = [
  undefined, 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'multipart/form-data',
  'application/xml', 'text/json', 'application/octet-stream', 'application/jsonx', 'application/json5', 'json', '*/*', 'application/', ';', 'x'.repeat(2000),
  'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=latin1', 'application/vnd.api+json', 'application/merge-patch+json', 'application/json; boundary=x',
]

/** application/json or a +json type, with any parameters: what server/utils/validate.ts accepts. */
export const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/ // eslint-disable-line no-control-regex -- control characters are the point

/**
 * A body as the server's JSON reading leaves it (h3's readBody, strict: prototype keys and
 * invalid JSON refused), or `undefined` when it is refused before any schema sees it
 * (not JSON, a prototype key, a control character). Walks without recursion, so a
 * deeply nested body is judged like any other.
 */
export function serverJson(text: string): { value: unknown } | undefined {
  if (!text) return { value: {} }
  let value: unknown
  try {
    value = JSON.parse(text)
  }
  catch {
    return undefined
  }
  const stack: unknown[] = [value]
  while (stack.length) {
    const item = stack.pop()
    if (typeof item === 'string' && CONTROL.test(item)) return undefined
    if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key === '__proto__' || key === 'constructor' || CONTROL.test(key)) return undefined
        stack.push(child)
      }
    }
  }
  return { value: value ?? {} }
}

/** What no answer may show: stack frames, SQL and driver errors, file paths. */
export const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat (?:async )?\S+ \([^)]*:\d+:\d+\)|\n\s+at \S/],
  ['node_modules', /node_modules/],
  ['a module path', /\.m?js:\d/],
  ['SQL', /\bselect\s|\binsert\s+into\b|\bdelete\s+from\b/i],
  ['an SQLite error', /SQLITE_|sqlite3?\b/i],
  ['a PostgreSQL error', /syntax error at or near|violates (?:unique|foreign key|check) constraint|invalid input syntax for|out of range for type|\bpg_\w+|relation "\w+"/i],
  ['a file path', /\/work\/|\.output\/|\/tmp\/|\/home\/|\/root\//],
]

/** The standard reason phrases the API answers errors with. */
export const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  411: 'Length Required', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
}

export interface RawReply { status: number, type: string, body: string }

const agent = new Agent({ keepAlive: true, maxSockets: 16 })

/**
 * One request exactly as given: the path is sent unnormalised (no `..` resolved), the body
 * as bytes with only the headers named (a Content-Length, no implied Content-Type).
 */
export function sendRaw(base: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawReply> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, agent, headers: { ...headers, ...(body && { 'content-length': String(body.length) }) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer in 20 s: ${method} ${path.slice(0, 200)}`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** Ends the kept-alive connections. */
export function closeConnections(): void {
  agent.destroy()
}
