import type { Migration, MigrationProvider } from 'kysely'
import * as m0001 from './0001_init'
import * as m0002 from './0002_screening_local_date'
import * as m0003 from './0003_booking_seat_labels'
import * as m0004 from './0004_show_text_search'
import * as m0005 from './0005_show_next_screening'
import * as m0006 from './0006_mail'
import * as m0007 from './0007_outbox_template'
import * as m0008 from './0008_screening_seats_version'
import * as m0009 from './0009_rate_limits_sessions'
import * as m0010 from './0010_catalog_listing_indexes'
import * as m0011 from './0011_files'
import * as m0012 from './0012_users_deleted'
import * as m0013 from './0013_outbox_retention'
import * as m0014 from './0014_halls'
import * as m0015 from './0015_checkin'
import * as m0016 from './0016_waitlist'
import * as m0017 from './0017_book_many'

// A bundled server cannot read a folder, so migrations are listed here by hand.
const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_screening_local_date': m0002,
  '0003_booking_seat_labels': m0003,
  '0004_show_text_search': m0004,
  '0005_show_next_screening': m0005,
  '0006_mail': m0006,
  '0007_outbox_template': m0007,
  '0008_screening_seats_version': m0008,
  '0009_rate_limits_sessions': m0009,
  '0010_catalog_listing_indexes': m0010,
  '0011_files': m0011,
  '0012_users_deleted': m0012,
  '0013_outbox_retention': m0013,
  '0014_halls': m0014,
  '0015_checkin': m0015,
  '0016_waitlist': m0016,
  '0017_book_many': m0017,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
