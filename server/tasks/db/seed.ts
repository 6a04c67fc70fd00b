import { seedDemo } from '~~/server/domain/catalog'

// Fills an empty database with a demo catalogue (8 venues, 30 shows with posters, 14 days
// of screenings). Run it with NUXT_SEED_DEMO=true on start, or as an admin:
// POST /api/admin/tasks/db:seed. A database that has a catalogue already is left alone.
export default defineRecordedTask({
  name: 'db:seed',
  description: 'Fill an empty database with a demo catalogue',
  async run({ db }) {
    const result = await seedDemo(db, usePosterStorage(), { timezone: useRuntimeConfig().defaultTimezone })
    if (result.seeded) await invalidateCatalog()
    return result
  },
})
