import { defineDriver } from 'unstorage'
import type { Db } from './index'
import { writeTransaction } from './write'

/**
 * An unstorage driver keeping each item in the `files` table of TicketShow's own database
 * (SQLite or PostgreSQL), under `prefix:`: what one instance or serverless function stores,
 * every other one reads, with no shared folder and no extra service. Writes go through
 * writeTransaction (on SQLite, the group committer). unstorage's own db0 driver does the
 * same on a connection and a table of its own, outside the migrations, and says it is
 * experimental; this one uses the server's connection and the migrated table.
 */
export const databaseFilesDriver = defineDriver((opts: { db: () => Db, prefix: string }) => {
  const full = (key: string) => `${opts.prefix}:${key}`
  const read = (key: string) => opts.db().selectFrom('files').select(['data', 'size', 'updated_at']).where('key', '=', full(key)).executeTakeFirst()
  return {
    name: 'ticketshow-database',
    options: opts,
    async hasItem(key) {
      return Boolean(await opts.db().selectFrom('files').select('key').where('key', '=', full(key)).executeTakeFirst())
    },
    async getItem(key) {
      const row = await read(key)
      return row ? Buffer.from(row.data).toString('utf8') : null
    },
    async getItemRaw(key) {
      const row = await read(key)
      return row ? Buffer.from(row.data) : null
    },
    async setItem(key, value) {
      await this.setItemRaw!(key, Buffer.from(value, 'utf8'), {})
    },
    async setItemRaw(key, value: Uint8Array | Buffer | string) {
      const data = Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array)
      const row = { key: full(key), data, size: data.length, updated_at: new Date().toISOString() }
      await writeTransaction(opts.db(), trx => trx.insertInto('files').values(row)
        .onConflict(oc => oc.column('key').doUpdateSet({ data: row.data, size: row.size, updated_at: row.updated_at }))
        .execute())
    },
    async removeItem(key) {
      await writeTransaction(opts.db(), trx => trx.deleteFrom('files').where('key', '=', full(key)).execute())
    },
    async getMeta(key) {
      const row = await opts.db().selectFrom('files').select(['size', 'updated_at']).where('key', '=', full(key)).executeTakeFirst()
      return row ? { size: row.size, mtime: new Date(row.updated_at) } : {}
    },
    async getKeys(base) {
      const rows = await opts.db().selectFrom('files').select('key').where('key', 'like', `${full(base ?? '')}%`).execute()
      return rows.map(r => r.key.slice(opts.prefix.length + 1))
    },
    async clear(base) {
      await writeTransaction(opts.db(), trx => trx.deleteFrom('files').where('key', 'like', `${full(base ?? '')}%`).execute())
    },
  }
})
