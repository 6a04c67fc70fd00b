import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { openServerDb } from '../helpers/fixtures'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// `npm run db:backup` while the server takes a booking storm, then `npm run db:restore` into
// a fresh data dir and a server started on it: every booking answered 201 before the backup
// began is there, and the sessions signed before it still work. SQLite (PostgreSQL is
// backed up with pg_dump: README, "Backups").
const run = promisify(execFile)
const dirs: string[] = []
const servers: TestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function dir(prefix: string) {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}

const script = (name: string, dataDir: string, ...args: string[]) =>
  run(process.execPath, [`scripts/${name}.mjs`, ...args], { env: { PATH: process.env.PATH, NUXT_DATA_DIR: dataDir } })

describe('npm run db:backup and db:restore', () => {
  it('copies a live database during a booking storm; the restored copy holds every booking answered before the backup began', async () => {
    const dataDir = dir('ticketshow-backup-')
    const server = await startServer({ dataDir, databaseUrl: join(dataDir, 'ticketshow.sqlite') })
    servers.push(server)
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    const buyer = await createApprovedUser(server, adminToken)
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: 'Storm Arena', place: 'Pune', capacity: 5000, seatsPerRow: 50 } })
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: 'Storm', ticketPrice: 100, tags: [] } })
    const screening = (await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 86_400_000).toISOString() } })).body.id

    const answered: { reference: string, at: number }[] = []
    let stop = false
    const storm = Array.from({ length: 16 }, async () => {
      while (!stop) {
        const res = await server.request('POST', '/api/bookings', { token: buyer.token, body: { screeningId: screening, quantity: 1 } })
        if (res.status === 201) answered.push({ reference: res.body.reference, at: Date.now() })
        else throw new Error(`a booking answered ${res.status}: ${JSON.stringify(res.body)}`)
      }
    })
    await expect.poll(() => answered.length, { timeout: 20_000 }).toBeGreaterThan(200)
    const began = Date.now()
    const file = join(dir('ticketshow-backup-file-'), 'backup.sqlite')
    const { stdout } = await script('db-backup', dataDir, file)
    const during = answered.filter(b => b.at > began).length
    // The storm goes on a little after the backup, then stops.
    await expect.poll(() => answered.filter(b => b.at > began).length, { timeout: 20_000 }).toBeGreaterThan(during + 50)
    stop = true
    await Promise.all(storm)
    expect(stdout).toMatch(/\[backup\] .*: \d+ bookings/)
    expect(during).toBeGreaterThan(0)

    const restoredDir = dir('ticketshow-restored-')
    const restore = await script('db-restore', restoredDir, file)
    expect(restore.stdout).toMatch(/and the signing key/)
    // The backup goes into an empty data dir only.
    await expect(script('db-restore', restoredDir, file)).rejects.toMatchObject({ stderr: expect.stringMatching(/exists: restore into an empty data dir/) })

    const restored = await startServer({ dataDir: restoredDir, databaseUrl: join(restoredDir, 'ticketshow.sqlite') })
    servers.push(restored)
    const db = openServerDb(restored)
    try {
      const kept = new Set((await db.selectFrom('bookings').select('reference').execute()).map(r => r.reference))
      const before = answered.filter(b => b.at <= began)
      expect(before.length).toBeGreaterThan(200)
      expect(before.filter(b => !kept.has(b.reference))).toEqual([])
      // Nothing the backup could not have seen: it is one snapshot, not a mix.
      expect(kept.size).toBeLessThan(answered.length)
      const seats = await db.selectFrom('screenings').select(['seats_sold']).where('id', '=', screening).executeTakeFirstOrThrow()
      expect(seats.seats_sold).toBe(kept.size)
    }
    finally {
      await db.destroy()
    }
    // Signed before the backup, the buyer's session is good on the restored server.
    const mine = await restored.request('GET', '/api/bookings?pageSize=1', { token: buyer.token })
    expect(mine.status).toBe(200)
    expect(mine.body.total).toBeGreaterThanOrEqual(answered.filter(b => b.at <= began).length)
  })

  it('refuses a file that is not a TicketShow backup, and a PostgreSQL deployment', async () => {
    const empty = dir('ticketshow-restore-bad-')
    await expect(script('db-restore', empty, 'package.json')).rejects.toMatchObject({ stderr: expect.stringMatching(/is not a TicketShow backup/) })
    await expect(run(process.execPath, ['scripts/db-backup.mjs', join(empty, 'x.sqlite')], { env: { PATH: process.env.PATH, NUXT_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' } }))
      .rejects.toMatchObject({ stderr: expect.stringMatching(/pg_dump/) })
  })
})
