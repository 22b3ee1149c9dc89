-- Schema migrations, applied in order by valuemodel.schema.ensure_schema().
-- A migration is never edited after it has shipped: add a new one instead.

-- name: schema_bootstrap
-- The table that records which migrations a database has.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- name: schema_lock
-- Serialize concurrent upgrades (the app and a CLI starting together).
SELECT pg_advisory_xact_lock(7265010);

-- name: schema_table_exists
-- Whether the migrations table exists (checked without writing, for read-only roles).
SELECT to_regclass('schema_migrations') IS NOT NULL;

-- name: schema_applied_versions
-- Versions already applied.
SELECT version FROM schema_migrations ORDER BY version;

-- name: schema_record_version
-- Record one applied migration.
INSERT INTO schema_migrations (version) VALUES (:version);
