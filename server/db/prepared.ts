import { createHash } from 'node:crypto'
import type { CompiledQuery, Compilable, QueryResult } from 'kysely'
import type { Db } from '.'

/** Stands in for the `index`th parameter while a prepared query is built. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  compiled: CompiledQuery
  /** For each parameter of the compiled query: the caller's parameter it takes, or -1 (a constant). */
  slots: number[]
}

/**
 * A query that Kysely builds and compiles once per dialect and then runs with new parameter
 * values. On the booking path, building and compiling a query costs more than SQLite takes
 * to run it, and a booking runs several. `build` receives a stand-in for each parameter and
 * may only pass it on as a value (never test it, read it or compute with it); a stand-in
 * that does not reach the SQL is an error on first use. Anything else `build` puts in the
 * query is fixed when it is first compiled.
 */
export function prepared<P extends unknown[], R>(build: (db: Db, ...params: P) => Compilable<R>): (db: Db, ...params: P) => Promise<QueryResult<R>> {
  const templates = new Map<unknown, Template>()
  return async (db, ...params) => {
    // The compiled SQL depends only on the dialect, which the adapter's class names.
    const dialect = db.getExecutor().adapter.constructor
    let t = templates.get(dialect)
    if (!t) {
      const slots = params.map((_, i) => new Slot(i)) as P
      const compiled = build(db, ...slots).compile()
      const map = compiled.parameters.map(p => (p instanceof Slot ? p.index : -1))
      const lost = slots.findIndex((_, i) => !map.includes(i))
      if (lost >= 0) throw new Error(`prepared query: parameter ${lost} does not reach the SQL (${compiled.sql})`)
      t = { compiled, slots: map }
      templates.set(dialect, t)
      keepPrepared(compiled.sql)
    }
    const { compiled, slots } = t
    const parameters = compiled.parameters.map((p, i) => (slots[i]! >= 0 ? params[slots[i]!] : p))
    return db.executeQuery<R>({ ...compiled, parameters } as CompiledQuery<R>)
  }
}

const kept = new Map<string, string>()

/**
 * On PostgreSQL, `sql` runs as a named prepared statement on each connection: parsed and
 * planned once per connection instead of on every run (the booking path's statements, and
 * every query made with `prepared`). A fixed set of texts, so each connection holds a
 * bounded number of statements. SQLite's driver keeps its own statement cache.
 */
export function keepPrepared(sql: string): string {
  if (!kept.has(sql)) kept.set(sql, `ts_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`)
  return sql
}

/** The statement name of a kept text, or undefined for any other query. */
export function preparedName(sql: string): string | undefined {
  return kept.get(sql)
}
