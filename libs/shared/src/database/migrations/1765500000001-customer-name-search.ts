import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /customers?q=` (#25): a name search that ignores case and accents the way Norwegian names
 * need. `closeness_search_fold` is the one definition, used for the column and for the search:
 * NFD with the combining marks removed (é → e, å → a, ö → o), lower case, ø/đ/ð/ł/þ → o/d/d/l/t,
 * æ → ae, œ → oe, ß → ss, then aa → a (so Haaland, Håland and Haland meet; Saab and Sab, too).
 * A trigram index serves `LIKE '%…%'` on it when pg_trgm is available (a contrib module, in every
 * PostgreSQL package we know of; a trusted extension since PostgreSQL 13). Without it the search
 * works the same, by scanning the caller's customers.
 */
export class CustomerNameSearch1765500000001 implements MigrationInterface {
  name = 'CustomerNameSearch1765500000001';

  async up(q: QueryRunner): Promise<void> {
    // normalize() needs a UTF8 database; another encoding holds no combining marks to strip anyway.
    const [{ encoding }] = await q.query(`SELECT current_setting('server_encoding') AS encoding`);
    const unaccented = encoding === 'UTF8' ? `regexp_replace(normalize(s, NFD), '[\\u0300-\\u036f]', '', 'g')` : 's';
    await q.query(`
      CREATE FUNCTION closeness_search_fold(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT replace(replace(replace(replace(replace(replace(
                 translate(lower(${unaccented}), 'øđðłþØĐÐŁÞ', 'oddltoddlt'),
                 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe'), 'ß', 'ss'), 'aa', 'a')
      $$`);

    const available = await q.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (available.length === 0) return;
    // Not allowed to create it (a restricted role): the search still works, unindexed.
    if (q.isTransactionActive) await q.query(`SAVEPOINT name_search_index`);
    try {
      await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      await q.query(`CREATE INDEX customers_name_search_idx ON customers USING gin (closeness_search_fold(name) gin_trgm_ops)`);
      if (q.isTransactionActive) await q.query(`RELEASE SAVEPOINT name_search_index`);
    } catch (err) {
      if (!q.isTransactionActive) throw err;
      await q.query(`ROLLBACK TO SAVEPOINT name_search_index`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS customers_name_search_idx`);
    await q.query(`DROP FUNCTION closeness_search_fold(text)`);
  }
}
