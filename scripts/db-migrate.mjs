#!/usr/bin/env node
// `npm run db:migrate`: the deploy step. Brings the database named by NUXT_DATABASE_URL (or
// the SQLite file in NUXT_DATA_DIR) up to this checkout's schema and creates the first admin
// from NUXT_ADMIN_USERNAME / NUXT_ADMIN_PASSWORD / NUXT_ADMIN_EMAIL (a password is generated
// and printed once when none is set). With `--seed` (or NUXT_SEED_DEMO=true) it then fills an
// empty database with the demo catalogue. node-server does all of this itself on start;
// serverless functions only check that it was done. Runs the server's own TypeScript
// through jiti, so it needs no build.
import { fileURLToPath } from 'node:url'
import { createJiti } from 'jiti'

const root = fileURLToPath(new URL('..', import.meta.url))
const jiti = createJiti(import.meta.url, { alias: { '#shared': `${root}shared`, '~~': root.replace(/\/$/, '') } })
const env = process.env
const seed = process.argv.includes('--seed') || env.NUXT_SEED_DEMO === 'true'

const { openDb, migrateToLatest, pendingMigrations } = await jiti.import(`${root}server/db/index.ts`)
const { ensureAdmin } = await jiti.import(`${root}server/domain/accounts/index.ts`)
const { db } = openDb(env.NUXT_DATABASE_URL ?? '', env.NUXT_DATA_DIR || '.data')
try {
  const before = await pendingMigrations(db)
  await migrateToLatest(db)
  console.info(before.length ? `[db] applied ${before.length} migrations: ${before.join(', ')}` : '[db] the schema is current')
  const username = env.NUXT_ADMIN_USERNAME || 'admin'
  const admin = await ensureAdmin(db, { username, email: env.NUXT_ADMIN_EMAIL || 'admin@localhost', password: env.NUXT_ADMIN_PASSWORD || undefined })
  if (admin.generatedPassword) console.info(`[ticketshow] created the first admin "${username}" with the password: ${admin.generatedPassword} (shown only this once: log in and keep it safe)`)
  else if (admin.created) console.info(`[ticketshow] created the first admin "${username}" from NUXT_ADMIN_* settings`)
  if (seed) {
    const { createStorage } = await import('unstorage')
    const { databaseFilesDriver } = await jiti.import(`${root}server/db/files.ts`)
    const { seedDemo } = await jiti.import(`${root}server/domain/catalog/index.ts`)
    const posters = createStorage({ driver: databaseFilesDriver({ db: () => db, prefix: 'posters' }) })
    const result = await seedDemo(db, posters, { timezone: env.NUXT_DEFAULT_TIMEZONE || 'Asia/Kolkata' })
    console.info(`[ticketshow] demo catalogue: ${JSON.stringify(result)}`)
  }
}
finally {
  await db.destroy()
}
