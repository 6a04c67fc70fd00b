// Stands in for better-sqlite3 in serverless builds (modules/platforms.ts): SQLite needs a
// disk that outlives one function instance, so those platforms use PostgreSQL
// (NUXT_DATABASE_URL=postgres://…), and the native module is not bundled at all.
export default function Database(): never {
  throw new Error('SQLite is not available on a serverless platform: set NUXT_DATABASE_URL to a PostgreSQL database')
}
