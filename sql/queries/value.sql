-- The Value page's assumptions ledger, and the Data page's freshness, import history and
-- assumption edits. Months are first-of-month dates; :month_from and :month_to are
-- inclusive; :product_id NULL means every product.

-- name: value_baseline_ledger
-- Every task baseline of the selection with the events of its action and those that recorded a failure in the period.
-- Read from the monthly action rollup; a baseline without events in the period shows zeros.
-- Counts only: tasks done, hours and money are the core's rule (valuemodel.core.finance).
SELECT b.product_id, p.name AS product_name, b.action, b.minutes_saved, b.confidence, b.source,
       coalesce(sum(a.events), 0)::bigint AS events,
       coalesce(sum(a.succeeded_false), 0)::bigint AS succeeded_false
FROM task_baselines b
JOIN products p ON p.product_id = b.product_id
LEFT JOIN rollup_action_month a
  ON a.product_id = b.product_id AND a.action = b.action
 AND a.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
WHERE CAST(:product_id AS text) IS NULL OR b.product_id = CAST(:product_id AS text)
GROUP BY b.product_id, p.name, b.action, b.minutes_saved, b.confidence, b.source
ORDER BY p.name, b.action;

-- name: data_freshness
-- Per stored table: rows, the latest month or time it holds, and the last import that carried its file.
-- Usage events are counted from the rollups (a page never scans the raw events).
WITH tables (position, table_name, file_name, row_count, latest) AS (
    SELECT 1, 'products', 'products.csv', count(*), NULL FROM products
    UNION ALL
    SELECT 2, 'costs', 'costs.csv', count(*), to_char(max(month), 'YYYY-MM') FROM costs
    UNION ALL
    SELECT 3, 'usage_events', 'usage_events.csv',
           (SELECT coalesce(sum(events), 0) FROM rollup_action_month),
           (SELECT to_char(max(d.last_day), 'YYYY-MM-DD') FROM products p, LATERAL (
                SELECT max(day) AS last_day FROM rollup_user_day r WHERE r.product_id = p.product_id
            ) d)
    UNION ALL
    SELECT 4, 'surveys', 'surveys.csv', count(*),
           to_char(max(responded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM surveys
    UNION ALL
    SELECT 5, 'task_baselines', 'task_baselines.csv', count(*), NULL FROM task_baselines
    UNION ALL
    SELECT 6, 'heart_goals', 'heart_goals.csv', count(*), NULL FROM heart_goals
    UNION ALL
    SELECT 7, 'objectives', 'objectives.csv', count(*), max(period) FROM objectives
    UNION ALL
    SELECT 8, 'key_results', 'key_results.csv', count(*), NULL FROM key_results
    UNION ALL
    SELECT 9, 'kr_measurements', 'kr_measurements.csv', count(*), to_char(max(month), 'YYYY-MM')
    FROM kr_measurements
    UNION ALL
    SELECT 10, 'metric_links', 'metric_links.csv', count(*), NULL FROM metric_links
    UNION ALL
    SELECT 11, 'assumptions', 'assumptions.csv', count(*),
           to_char(max(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM assumptions
    UNION ALL
    -- Its rows are the user-months: the sum of active users per product-month, not a scan.
    SELECT 12, 'rollup_user_month', NULL, coalesce(sum(active_users), 0), to_char(max(month), 'YYYY-MM')
    FROM rollup_product_month
    UNION ALL
    SELECT 13, 'rollup_action_month', NULL, count(*), to_char(max(month), 'YYYY-MM') FROM rollup_action_month
    UNION ALL
    SELECT 14, 'rollup_survey_month', NULL, count(*), to_char(max(month), 'YYYY-MM') FROM rollup_survey_month
)
SELECT t.table_name, t.file_name, t.row_count::bigint AS row_count, t.latest,
       li.imported_at AS last_imported_at, li.source AS last_source, li.file_rows AS last_rows
FROM tables t
LEFT JOIN LATERAL (
    SELECT l.imported_at, l.source, (l.files ->> t.file_name)::bigint AS file_rows
    FROM import_log l
    WHERE t.file_name IS NOT NULL AND l.files ? t.file_name
    ORDER BY l.import_id DESC
    LIMIT 1
) li ON true
ORDER BY t.position;

-- name: import_history
-- The latest imports, newest first: when, from where, and rows per file.
SELECT import_id, imported_at, source, files
FROM import_log
ORDER BY import_id DESC
LIMIT CAST(:limit AS integer);

-- name: assumption_upsert
-- Set one global assumption; updated_at moves only when the value changes. Returns the key when it changed.
INSERT INTO assumptions (key, value, updated_at)
VALUES (CAST(:key AS text), CAST(:value AS text), now())
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
WHERE assumptions.value IS DISTINCT FROM EXCLUDED.value
RETURNING key;
