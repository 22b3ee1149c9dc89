-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_010
-- delete_product(id): remove a product and every row of every table that names it (raw data, rollups, scenarios, and tables added later), returning rows deleted per table.
CREATE OR REPLACE FUNCTION delete_product(target text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    pending text[];
    still   text[];
    tbl     text;
    n       bigint;
    counts  jsonb := '{}'::jsonb;
    passes  integer := 0;
BEGIN
    -- Every ordinary or partitioned table of this schema with a product_id column, except
    -- products itself (deleted last) and partitions (deleted through their parent).
    SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}') INTO pending
    FROM pg_class c
    JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = current_schema()
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'product_id' AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'products';
    -- A table referenced by another one's foreign key can only go after it: retry the
    -- ones refused until a pass deletes nothing new.
    LOOP
        still := '{}';
        FOREACH tbl IN ARRAY pending LOOP
            BEGIN
                EXECUTE 'DELETE FROM ' || quote_ident(tbl) || ' WHERE product_id = $1' USING target;
                GET DIAGNOSTICS n = ROW_COUNT;
                counts := counts || jsonb_build_object(tbl, n);
            EXCEPTION WHEN foreign_key_violation THEN
                still := still || tbl;
            END;
        END LOOP;
        passes := passes + 1;
        EXIT WHEN cardinality(still) = 0;
        IF cardinality(still) = cardinality(pending) OR passes > 20 THEN
            RAISE EXCEPTION USING MESSAGE = 'cannot delete product ' || target || ': rows of ' || array_to_string(still, ', ') || ' are still referenced';
        END IF;
        pending := still;
    END LOOP;
    DELETE FROM products WHERE product_id = target;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN counts || jsonb_build_object('products', n);
END;
$$;
