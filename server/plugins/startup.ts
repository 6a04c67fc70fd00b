import { setTimeout as sleep } from 'node:timers/promises'
import { migrateToLatest } from '../db'
import { ensureAdmin } from '../domain/accounts'

/**
 * Start-up: refuse to run with a weak signing key, then migrate the database (retrying
 * while it is unreachable, so the process can start before its database does) and create
 * the first admin. Until that is done the API answers 503 and /api/health says so.
 */
export default defineNitroPlugin(() => {
  try {
    useAuthSecret()
  }
  catch (err) {
    console.error(`[ticketshow] cannot start: ${(err as Error).message}`)
    process.exit(1)
  }

  const state = useDbState()
  const config = useRuntimeConfig()
  void (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await migrateToLatest(state.db)
        break
      }
      catch (err) {
        const wait = Math.min(1000 * attempt, 10_000)
        console.error(`[db] not ready (${(err as Error).message}); retrying in ${wait / 1000} s`)
        await sleep(wait)
      }
    }
    try {
      const admin = await ensureAdmin(state.db, { username: config.adminUsername, email: config.adminEmail, password: config.adminPassword })
      if (admin.generatedPassword) {
        console.info(`\n  TicketShow created the first admin.\n    username: ${config.adminUsername}\n    password: ${admin.generatedPassword}\n  This password is shown only once: log in and keep it safe.\n`)
      }
      else if (admin.created) {
        console.info(`[ticketshow] created the first admin "${config.adminUsername}" from NUXT_ADMIN_* settings`)
      }
    }
    catch (err) {
      console.error(`[ticketshow] could not create the first admin: ${(err as Error).message}`)
    }
    state.ready = true
    if (config.seedDemo) {
      const { result } = await runTask('db:seed')
      console.info(`[ticketshow] demo catalogue: ${JSON.stringify(result)}`)
    }
  })()
})
