import type { Migration, MigrationProvider } from 'kysely'
import * as m0001 from './0001_init'

// A bundled server cannot read a folder, so migrations are listed here by hand.
const migrations: Record<string, Migration> = {
  '0001_init': m0001,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
