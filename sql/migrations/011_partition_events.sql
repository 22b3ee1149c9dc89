-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_011
-- usage_events partitioned by UTC month (declarative partitioning): an import builds a new month as its own table, indexes it once and attaches it, instead of inserting row by row into one big index; functions create a month's partition and settle an import's landing table.
ALTER TABLE usage_events RENAME TO usage_events_unpartitioned;
ALTER INDEX usage_events_pkey RENAME TO usage_events_unpartitioned_pkey;

CREATE TABLE usage_events (
    product_id       text NOT NULL,
    user_id          text NOT NULL,
    occurred_at      timestamptz NOT NULL,
    action           text NOT NULL,
    succeeded        boolean,
    duration_seconds double precision CHECK (duration_seconds >= 0),
    PRIMARY KEY (product_id, occurred_at, user_id, action)
) PARTITION BY RANGE (occurred_at);
-- Rows written without the importer (by hand, or by an older tool) land here.
CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT;

-- The partition of one UTC month: its name and bounds.
CREATE FUNCTION event_partition_name(month date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'usage_events_' || to_char(month, 'YYYY_MM') $$;

CREATE FUNCTION event_partition_bounds(month date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'FROM (' || quote_literal(to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00')
        || ') TO (' || quote_literal(to_char((month + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00') || ')'
$$;

-- Create the month's partition when it is missing (outside an import: a refresh or a move).
CREATE FUNCTION ensure_event_partition(month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    part text := event_partition_name(month);
BEGIN
    IF to_regclass(part) IS NULL THEN
        EXECUTE 'CREATE TABLE ' || quote_ident(part) || ' PARTITION OF usage_events FOR VALUES '
            || event_partition_bounds(month);
    END IF;
    RETURN part;
END;
$$;

DO $$
DECLARE
    m date;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date
             FROM usage_events_unpartitioned LOOP
        PERFORM ensure_event_partition(m);
    END LOOP;
END;
$$;
INSERT INTO usage_events SELECT * FROM usage_events_unpartitioned;
DROP TABLE usage_events_unpartitioned;

-- The functions below run with the schema owner's rights (SECURITY DEFINER), so the
-- writer role, which may insert, update and delete but not create or alter tables, can
-- import: they create, attach and drop only the import's own landing tables.

-- The import's landing table for usage events: typed, no index, partitioned by month.
CREATE FUNCTION import_landing_begin() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    DROP TABLE IF EXISTS import_landing;
    CREATE TABLE import_landing (LIKE usage_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
        PARTITION BY RANGE (occurred_at);
END;
$$;

CREATE FUNCTION import_landing_end() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    DROP TABLE import_landing;
END;
$$;

-- An import's landing partition for one month (under the import's landing table).
CREATE FUNCTION import_landing_add(month date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    EXECUTE 'CREATE TABLE ' || quote_ident('import_landing_' || to_char(month, 'YYYY_MM'))
        || ' PARTITION OF import_landing FOR VALUES ' || event_partition_bounds(month);
END;
$$;

-- Move one landed month into usage_events. A month that holds no stored rows (none ever,
-- or none left after --replace-months) is swapped in: the landing table becomes the
-- month's partition, its primary key is built once (which also refuses two rows with the
-- same key in the import) and it is attached. A month that holds rows is merged by key
-- (insert or replace). Returns 'swapped' or 'merged'.
CREATE FUNCTION import_landing_settle(month date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    part     text := event_partition_name(month);
    land     text := 'import_landing_' || to_char(month, 'YYYY_MM');
    has_rows boolean := false;
    in_default boolean;
BEGIN
    IF to_regclass(part) IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM ' || quote_ident(part) || ')' INTO has_rows;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM usage_events_default WHERE occurred_at >= $1 AND occurred_at < $2)'
        INTO in_default
        USING (month::timestamp AT TIME ZONE 'UTC'), ((month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    IF has_rows OR in_default THEN
        EXECUTE 'INSERT INTO usage_events (product_id, user_id, occurred_at, action, succeeded, duration_seconds) '
            || 'SELECT product_id, user_id, occurred_at, action, succeeded, duration_seconds FROM '
            || quote_ident(land)
            || ' ON CONFLICT (product_id, occurred_at, user_id, action) DO UPDATE SET '
            || 'succeeded = EXCLUDED.succeeded, duration_seconds = EXCLUDED.duration_seconds';
        RETURN 'merged';
    END IF;
    IF to_regclass(part) IS NOT NULL THEN
        EXECUTE 'DROP TABLE ' || quote_ident(part);
    END IF;
    EXECUTE 'ALTER TABLE import_landing DETACH PARTITION ' || quote_ident(land);
    EXECUTE 'ALTER TABLE ' || quote_ident(land) || ' RENAME TO ' || quote_ident(part);
    EXECUTE 'ALTER TABLE ' || quote_ident(part)
        || ' ADD PRIMARY KEY (product_id, occurred_at, user_id, action)';
    EXECUTE 'ALTER TABLE usage_events ATTACH PARTITION ' || quote_ident(part) || ' FOR VALUES '
        || event_partition_bounds(month);
    RETURN 'swapped';
END;
$$;
