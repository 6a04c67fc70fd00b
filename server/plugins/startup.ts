import { setTimeout as sleep } from 'node:timers/promises'
import { migrateToLatest, pendingMigrations } from '../db'
import { ensureAdmin } from '../domain/accounts'

/**
 * Start-up: refuse to run with a weak signing key, then make the database ready (retrying
 * while it is unreachable, so the process can start before its database does). Requests
 * that come meanwhile wait for it (middleware/05.unavailable.ts), up to a few seconds.
 *
 * On a Node server (node-server, node-cluster) that means migrating and creating the first
 * admin, as `npm run db:migrate` does. A serverless function (Vercel, Netlify, AWS Lambda,
 * Cloudflare) only checks that the schema is current, which the deploy step made it: a cold
 * start then answers its first request normally, and a database the deploy step missed
 * answers 503 saying so, rather than being migrated by whichever function woke first. On
 * those platforms there is no disk: no SQLite file, no generated secret, no poster folder.
 */
export default defineNitroPlugin(() => {
  const config = useRuntimeConfig()
  const serverless = isServerless()
  try {
    if (serverless) requireServerlessConfig(config)
    useAuthSecret()
    const cron = cronSecret()
    if (cron && Buffer.byteLength(cron) < 16)
      throw new Error(`NUXT_CRON_SECRET is ${Buffer.byteLength(cron)} bytes; it must be at least 16 (try: openssl rand -base64 32)`)
  }
  catch (err) {
    console.error(`[ticketshow] cannot start: ${(err as Error).message}`)
    if (serverless) throw err
    process.exit(1)
  }

  const state = useDbState()
  markStarting((async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!serverless) {
          await migrateToLatest(state.db)
          break
        }
        const pending = await pendingMigrations(state.db)
        if (!pending.length) break
        state.behind = pending
        markBehind()
        console.error(`[db] the schema is behind this build (${pending.join(', ')} not applied): run \`npm run db:migrate\` as the deploy step`)
      }
      catch (err) {
        console.error(`[db] not ready (${(err as Error).message}); retrying in ${Math.min(attempt, 10)} s`)
      }
      await sleep(Math.min(1000 * attempt, 10_000))
    }
    state.behind = undefined
    if (!serverless) {
      await createFirstAdmin()
      const moved = await importPosterFolder(String(config.dataDir)).catch((err) => {
        console.error(`[ticketshow] could not move the poster folder into ${posterStorageName()}: ${(err as Error).message}`)
        return 0
      })
      if (moved) console.info(`[ticketshow] moved ${moved} posters from ${config.dataDir}/posters into ${posterStorageName()}`)
    }
    state.ready = true
    if (config.seedDemo && !serverless) {
      const { result } = await runTask('db:seed')
      console.info(`[ticketshow] demo catalogue: ${JSON.stringify(result)}`)
    }
  })())
})

async function createFirstAdmin() {
  const config = useRuntimeConfig()
  try {
    const admin = await ensureAdmin(useDb(), { username: config.adminUsername, email: config.adminEmail, password: config.adminPassword })
    if (admin.generatedPassword)
      console.info(`[ticketshow] created the first admin "${config.adminUsername}" with the password: ${admin.generatedPassword} (shown only this once: log in and keep it safe)`)
    else if (admin.created)
      console.info(`[ticketshow] created the first admin "${config.adminUsername}" from NUXT_ADMIN_* settings`)
  }
  catch (err) {
    console.error(`[ticketshow] could not create the first admin: ${(err as Error).message}`)
  }
}

/** What a function with no disk of its own cannot do without. */
function requireServerlessConfig(config: ReturnType<typeof useRuntimeConfig>) {
  if (!config.authSecret) throw new Error('NUXT_AUTH_SECRET must be set on a serverless platform (no disk to keep a generated one on); try: openssl rand -base64 48')
  if (!String(config.databaseUrl).startsWith('postgres')) throw new Error('NUXT_DATABASE_URL must name a PostgreSQL database on a serverless platform (an SQLite file would live and die with one function instance)')
}
