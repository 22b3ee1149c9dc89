-- Database roles: a read-only role for viewing and a writer role for imports, assumptions
-- and saved scenarios. Applied by `python -m valuemodel roles` (run it as the schema's
-- owner); grant the roles to login users: GRANT valuedash_reader TO alice;

-- name: create_roles
-- Create (idempotently) the reader and writer roles and grant them on every table.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'valuedash_reader') THEN
        CREATE ROLE valuedash_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'valuedash_writer') THEN
        CREATE ROLE valuedash_writer NOLOGIN;
    END IF;
    EXECUTE 'GRANT CONNECT ON DATABASE ' || quote_ident(current_database())
        || ' TO valuedash_reader, valuedash_writer';
    EXECUTE 'GRANT TEMPORARY ON DATABASE ' || quote_ident(current_database())
        || ' TO valuedash_writer';
    EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema())
        || ' TO valuedash_reader, valuedash_writer';
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA ' || quote_ident(current_schema())
        || ' TO valuedash_reader, valuedash_writer';
    EXECUTE 'GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ' || quote_ident(current_schema())
        || ' TO valuedash_writer';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ' || quote_ident(current_schema())
        || ' TO valuedash_writer';
    -- Tables a later migration adds get the same grants.
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA ' || quote_ident(current_schema())
        || ' GRANT SELECT ON TABLES TO valuedash_reader, valuedash_writer';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA ' || quote_ident(current_schema())
        || ' GRANT INSERT, UPDATE, DELETE ON TABLES TO valuedash_writer';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA ' || quote_ident(current_schema())
        || ' GRANT USAGE, SELECT ON SEQUENCES TO valuedash_writer';
    -- Nobody but the owner changes the schema or the migration record.
    EXECUTE 'REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM valuedash_writer';
END
$roles$;

-- name: can_write
-- Whether this connection may write the tables the app writes (false on a read-only role or replica).
SELECT current_setting('transaction_read_only') = 'off'
   AND has_table_privilege('assumptions', 'UPDATE')
   AND has_table_privilege('usage_events', 'INSERT') AS can_write;
