import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// The shape of the server code, checked: the domain is one folder per bounded context,
// each entered through its index.ts; nothing imports in a circle; the domain knows nothing
// of HTTP; no file grows past 300 lines without saying why at its top.

const ROOT = resolve(__dirname, '../..')
const DOMAIN = 'server/domain'
const MAX_LINES = 300

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) return filesUnder(path)
    return /\.(ts|mjs)$/.test(name) ? [path] : []
  })
}

const IMPORT = /^(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm

/** The files (relative to the root) a file imports from the server tree, by resolving its specifiers. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const found: string[] = []
  for (const [, spec] of text.matchAll(IMPORT)) {
    let target: string | undefined
    if (spec!.startsWith('.')) target = relative(ROOT, resolve(ROOT, dirname(file), spec!))
    else if (spec!.startsWith('~~/')) target = spec!.slice(3)
    if (!target?.startsWith('server/')) continue
    const candidates = [`${target}.ts`, `${target}/index.ts`, target]
    const hit = candidates.find(c => server.includes(c))
    if (!hit) throw new Error(`${file}: cannot resolve '${spec}'`)
    found.push(hit)
  }
  return found
}

const server = filesUnder('server')
const graph = new Map(server.map(f => [f, importsOf(f)]))

/** The context a domain file belongs to (`catalog`, `booking`…), or null for the shared kernel and files outside. */
function contextOf(file: string): string | null {
  const m = new RegExp(`^${DOMAIN}/([^/]+)/`).exec(file)
  return m ? m[1]! : null
}

function cycles(nodes: string[], edges: (n: string) => string[]): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (n: string) => {
    state.set(n, 'open')
    stack.push(n)
    for (const next of edges(n)) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(n, 'done')
  }
  for (const n of nodes) if (!state.has(n)) visit(n)
  return found
}

describe('server/domain', () => {
  const domainFiles = server.filter(f => f.startsWith(`${DOMAIN}/`))
  const contexts = [...new Set(domainFiles.map(contextOf).filter((c): c is string => c !== null))].sort()

  it('is one folder per bounded context, each with an index.ts', () => {
    expect(contexts).toEqual(['accounts', 'booking', 'catalog', 'checkin', 'mail', 'reporting', 'tasks'])
    for (const c of contexts) expect(server).toContain(`${DOMAIN}/${c}/index.ts`)
    expect(domainFiles.filter(f => contextOf(f) === null)).toEqual([`${DOMAIN}/errors.ts`])
  })

  it('enters another context only through its index.ts', () => {
    const wrong = domainFiles.flatMap(f => graph.get(f)!.filter(t => contextOf(t) !== null && contextOf(t) !== contextOf(f) && !t.endsWith('/index.ts')).map(t => `${f} -> ${t}`))
    expect(wrong).toEqual([])
  })

  it('has no import cycles between files', () => {
    expect(cycles(domainFiles, f => graph.get(f)!.filter(t => t.startsWith(`${DOMAIN}/`)))).toEqual([])
  })

  it('has no import cycles between contexts', () => {
    const uses = (c: string) => [...new Set(domainFiles.filter(f => contextOf(f) === c)
      .flatMap(f => graph.get(f)!.map(contextOf).filter((t): t is string => t !== null && t !== c)))]
    expect(cycles(contexts, uses)).toEqual([])
  })

  it('knows nothing of HTTP: no h3, no status codes built', () => {
    const http = domainFiles.filter(f => /from 'h3'|createError\(|statusCode/.test(readFileSync(join(ROOT, f), 'utf8')))
    expect(http).toEqual([])
  })
})

describe('the rest of the server', () => {
  it('uses the domain only through a context index.ts (or the domain errors)', () => {
    const outside = server.filter(f => !f.startsWith(`${DOMAIN}/`))
    const wrong = outside.flatMap(f => graph.get(f)!.filter(t => t.startsWith(`${DOMAIN}/`) && !t.endsWith('/index.ts') && t !== `${DOMAIN}/errors.ts`).map(t => `${f} -> ${t}`))
    expect(wrong).toEqual([])
  })

  it('builds no 404 by hand in a handler: a missing thing is the domain\'s NotFound', () => {
    const handlers = server.filter(f => /^server\/(api|routes)\//.test(f))
    expect(handlers.filter(f => /statusCode:\s*404|httpError\(404/.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([])
  })
})

describe('every file in server/ and shared/', () => {
  it(`has at most ${MAX_LINES} lines, or says at its top why it has more`, () => {
    const long = [...server, ...filesUnder('shared')].filter((f) => {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n')
      return lines.length > MAX_LINES && !lines.slice(0, 10).some(l => /longer than \d+ lines because/i.test(l))
    })
    expect(long).toEqual([])
  })
})
