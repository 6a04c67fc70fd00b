import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. An index for "shows whose name or description contains this text", so
// the search stays fast on 100k shows. SQLite: an external-content FTS5 table with the
// trigram tokenizer (substring matching, any case), kept in step by triggers. PostgreSQL:
// pg_trgm GIN indexes on lower(name) and lower(description), which the LIKE query uses.
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create extension if not exists pg_trgm`.execute(db)
    await sql`create index shows_name_trgm_idx on shows using gin (lower(name) gin_trgm_ops)`.execute(db)
    await sql`create index shows_description_trgm_idx on shows using gin (lower(description) gin_trgm_ops)`.execute(db)
    return
  }
  await sql`create virtual table shows_search using fts5(name, description, content='shows', content_rowid='id', tokenize='trigram')`.execute(db)
  await sql`insert into shows_search (rowid, name, description) select id, name, description from shows`.execute(db)
  await sql`create trigger shows_search_ai after insert on shows begin
    insert into shows_search (rowid, name, description) values (new.id, new.name, new.description);
  end`.execute(db)
  await sql`create trigger shows_search_ad after delete on shows begin
    insert into shows_search (shows_search, rowid, name, description) values ('delete', old.id, old.name, old.description);
  end`.execute(db)
  await sql`create trigger shows_search_au after update of name, description on shows begin
    insert into shows_search (shows_search, rowid, name, description) values ('delete', old.id, old.name, old.description);
    insert into shows_search (rowid, name, description) values (new.id, new.name, new.description);
  end`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index if exists shows_name_trgm_idx`.execute(db)
    await sql`drop index if exists shows_description_trgm_idx`.execute(db)
    return
  }
  for (const t of ['shows_search_ai', 'shows_search_ad', 'shows_search_au']) await sql`drop trigger if exists ${sql.id(t)}`.execute(db)
  await sql`drop table if exists shows_search`.execute(db)
}
