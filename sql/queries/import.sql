-- Import: stage the validated CSV text with COPY, then upsert by natural key.
-- Staging tables are temporary, all text, and dropped at commit.

-- name: stored_product_ids
-- Product ids already stored (for references from imported rows).
SELECT product_id FROM products;

-- name: stored_objective_ids
-- Objective ids already stored.
SELECT objective_id FROM objectives;

-- name: stored_kr_ids
-- Key result ids already stored.
SELECT kr_id FROM key_results;

-- name: create_stage_tables
-- Temporary all-text staging tables for one import transaction.
SET LOCAL timezone = 'UTC';
SET LOCAL work_mem = '64MB';
CREATE TEMP TABLE stage_products (product_id text, name text, owner_team text, eligible_users text, launched_on text) ON COMMIT DROP;
CREATE TEMP TABLE stage_objectives (objective_id text, title text, level text, parent_id text, period text) ON COMMIT DROP;
CREATE TEMP TABLE stage_key_results (kr_id text, objective_id text, title text, unit text, baseline text, target text) ON COMMIT DROP;
CREATE TEMP TABLE stage_assumptions (key text, value text) ON COMMIT DROP;
CREATE TEMP TABLE stage_costs (product_id text, month text, category text, amount text) ON COMMIT DROP;
CREATE TEMP TABLE stage_task_baselines (product_id text, action text, minutes_saved text, confidence text, source text) ON COMMIT DROP;
CREATE TEMP TABLE stage_heart_goals (product_id text, dimension text, role text, goal text, signal text, metric text, target text) ON COMMIT DROP;
CREATE TEMP TABLE stage_metric_links (product_id text, metric text, kr_id text, evidence text, note text) ON COMMIT DROP;
CREATE TEMP TABLE stage_kr_measurements (kr_id text, month text, value text) ON COMMIT DROP;
CREATE TEMP TABLE stage_surveys (product_id text, user_id text, responded_at text, score text) ON COMMIT DROP;
CREATE TEMP TABLE stage_touched (product_id text, month date, PRIMARY KEY (product_id, month)) ON COMMIT DROP;

-- name: copy_products
-- Stage products.csv.
COPY stage_products FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_objectives
-- Stage objectives.csv.
COPY stage_objectives FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_key_results
-- Stage key_results.csv.
COPY stage_key_results FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_assumptions
-- Stage assumptions.csv.
COPY stage_assumptions FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_costs
-- Stage costs.csv.
COPY stage_costs FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_task_baselines
-- Stage task_baselines.csv.
COPY stage_task_baselines FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_heart_goals
-- Stage heart_goals.csv.
COPY stage_heart_goals FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_metric_links
-- Stage metric_links.csv.
COPY stage_metric_links FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_kr_measurements
-- Stage kr_measurements.csv.
COPY stage_kr_measurements FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_surveys
-- Stage surveys.csv.
COPY stage_surveys FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: upsert_products
-- Insert or replace products by product_id.
INSERT INTO products (product_id, name, owner_team, eligible_users, launched_on)
SELECT product_id, name, owner_team, eligible_users::integer, NULLIF(launched_on, '')::date
FROM stage_products
ON CONFLICT (product_id) DO UPDATE SET
    name = EXCLUDED.name, owner_team = EXCLUDED.owner_team,
    eligible_users = EXCLUDED.eligible_users, launched_on = EXCLUDED.launched_on;

-- name: upsert_objectives
-- Insert or replace objectives by objective_id.
INSERT INTO objectives (objective_id, title, level, parent_id, period)
SELECT objective_id, title, level, NULLIF(parent_id, ''), period
FROM stage_objectives
ON CONFLICT (objective_id) DO UPDATE SET
    title = EXCLUDED.title, level = EXCLUDED.level,
    parent_id = EXCLUDED.parent_id, period = EXCLUDED.period;

-- name: upsert_key_results
-- Insert or replace key results by kr_id.
INSERT INTO key_results (kr_id, objective_id, title, unit, baseline, target)
SELECT kr_id, objective_id, title, unit, baseline::double precision, target::double precision
FROM stage_key_results
ON CONFLICT (kr_id) DO UPDATE SET
    objective_id = EXCLUDED.objective_id, title = EXCLUDED.title, unit = EXCLUDED.unit,
    baseline = EXCLUDED.baseline, target = EXCLUDED.target;

-- name: upsert_assumptions
-- Insert or replace global assumptions by key.
INSERT INTO assumptions (key, value, updated_at)
SELECT key, value, now() FROM stage_assumptions
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
-- updated_at says when the value changed: re-importing the same value changes nothing.
WHERE assumptions.value IS DISTINCT FROM EXCLUDED.value;

-- name: upsert_costs
-- Insert or replace cost rows by (product_id, month, category).
INSERT INTO costs (product_id, month, category, amount)
SELECT product_id, (month || '-01')::date, category, amount::numeric
FROM stage_costs
ON CONFLICT (product_id, month, category) DO UPDATE SET amount = EXCLUDED.amount;

-- name: upsert_task_baselines
-- Insert or replace task baselines by (product_id, action).
INSERT INTO task_baselines (product_id, action, minutes_saved, confidence, source)
SELECT product_id, action, minutes_saved::double precision, confidence::double precision, source
FROM stage_task_baselines
ON CONFLICT (product_id, action) DO UPDATE SET
    minutes_saved = EXCLUDED.minutes_saved, confidence = EXCLUDED.confidence,
    source = EXCLUDED.source;

-- name: upsert_heart_goals
-- Insert or replace HEART goals by (product_id, dimension).
INSERT INTO heart_goals (product_id, dimension, role, goal, signal, metric, target)
SELECT product_id, dimension, role, goal, signal, metric, target::double precision
FROM stage_heart_goals
ON CONFLICT (product_id, dimension) DO UPDATE SET
    role = EXCLUDED.role, goal = EXCLUDED.goal, signal = EXCLUDED.signal,
    metric = EXCLUDED.metric, target = EXCLUDED.target;

-- name: upsert_metric_links
-- Insert or replace metric links by (product_id, metric, kr_id).
INSERT INTO metric_links (product_id, metric, kr_id, evidence, note)
SELECT product_id, metric, kr_id, evidence, coalesce(note, '')
FROM stage_metric_links
ON CONFLICT (product_id, metric, kr_id) DO UPDATE SET
    evidence = EXCLUDED.evidence, note = EXCLUDED.note;

-- name: upsert_kr_measurements
-- Insert or replace key result measurements by (kr_id, month).
INSERT INTO kr_measurements (kr_id, month, value)
SELECT kr_id, (month || '-01')::date, value::double precision
FROM stage_kr_measurements
ON CONFLICT (kr_id, month) DO UPDATE SET value = EXCLUDED.value;

-- name: upsert_surveys
-- Insert or replace survey responses by (product_id, user_id, responded_at).
INSERT INTO surveys (product_id, user_id, responded_at, score)
SELECT product_id, user_id, responded_at::timestamptz, score::smallint
FROM stage_surveys
ON CONFLICT (product_id, responded_at, user_id) DO UPDATE SET score = EXCLUDED.score;

-- name: analyze_loaded
-- Fresh planner statistics for the small tables the rollup refreshes join. usage_events is left to autovacuum: analyzing every month's partition cost more than the rollups it helped (their plans, by product-month index ranges, hold without it).
ANALYZE surveys;
ANALYZE stage_touched;

-- name: touch_from_surveys
-- Remember the product-months the staged survey responses fall in.
INSERT INTO stage_touched (product_id, month)
SELECT DISTINCT product_id, date_trunc('month', responded_at::timestamptz AT TIME ZONE 'UTC')::date
FROM stage_surveys
ON CONFLICT DO NOTHING;

-- name: touch_everything
-- Every product-month holding events or surveys (a full rollup rebuild).
INSERT INTO stage_touched (product_id, month)
SELECT DISTINCT product_id, month FROM (
    SELECT product_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month FROM usage_events
    UNION
    SELECT product_id, date_trunc('month', responded_at AT TIME ZONE 'UTC')::date FROM surveys
    UNION
    SELECT product_id, month FROM rollup_user_month
    UNION
    SELECT product_id, month FROM rollup_survey_month
) AS all_months
ON CONFLICT DO NOTHING;

-- name: record_import
-- Log an import with its row counts per file.
INSERT INTO import_log (source, files) VALUES (:source, CAST(:files AS jsonb));

-- name: replace_months_surveys
-- With --replace-months: delete the stored survey responses of every product-month the staged ones cover.
DELETE FROM surveys s
USING (
    SELECT DISTINCT product_id, date_trunc('month', responded_at::timestamptz AT TIME ZONE 'UTC') AS month
    FROM stage_surveys
) t
WHERE s.product_id = t.product_id
  AND s.responded_at >= (t.month AT TIME ZONE 'UTC')
  AND s.responded_at < ((t.month + interval '1 month') AT TIME ZONE 'UTC');

-- name: replace_months_costs
-- With --replace-months: delete the stored cost rows of every product-month the staged costs cover.
DELETE FROM costs c
USING (SELECT DISTINCT product_id, (month || '-01')::date AS month FROM stage_costs) t
WHERE c.product_id = t.product_id AND c.month = t.month;

-- name: import_lock
-- Two imports never run at once: the second waits here (released at commit or rollback).
SELECT pg_advisory_xact_lock(7265011);

-- name: import_lock_try
-- Take the import lock if it is free (true), without waiting.
SELECT pg_try_advisory_xact_lock(7265011);

-- name: delete_product
-- Remove a product and everything that hangs on it; rows deleted per table as JSON.
SELECT delete_product(:product_id);

-- name: product_exists
-- Whether a product id is stored.
SELECT EXISTS (SELECT 1 FROM products WHERE product_id = :product_id);

-- ---------------------------------------------------------------- usage events
-- usage_events.csv is validated and loaded in chunks (valuemodel.data.eventload): each
-- validated chunk goes by COPY into the import's landing table, one partition per month,
-- and each month is then swapped in or merged (import_landing_settle, migration 011).

-- name: events_session
-- Settings of the import's own transaction: commit without waiting for the WAL flush, and memory for building each month's primary key.
SET LOCAL synchronous_commit = off;
SET LOCAL maintenance_work_mem = '256MB';
SET LOCAL work_mem = '64MB';

-- name: landing_create
-- The import's landing table for usage events: typed, no index, partitioned by month like usage_events.
SELECT import_landing_begin();
CREATE TEMP TABLE stage_event_months (product_id text, month date, PRIMARY KEY (product_id, month)) ON COMMIT DROP;

-- name: landing_add_month
-- A landing partition for one more month of the file.
SELECT import_landing_add(CAST(:month AS date));

-- name: copy_landing
-- COPY validated, typed event chunks into the landing table (rows are routed to their month).
COPY import_landing (product_id, user_id, occurred_at, action, succeeded, duration_seconds) FROM STDIN WITH (FORMAT csv);

-- name: event_months_insert
-- Remember the product-months the file's events fall in.
INSERT INTO stage_event_months (product_id, month)
SELECT * FROM unnest(CAST(:products AS text[]), CAST(:months AS date[]))
ON CONFLICT DO NOTHING;

-- name: replace_months_usage_events
-- With --replace-months: delete the stored events of every product-month the file covers.
DELETE FROM usage_events e
USING stage_event_months t
WHERE e.product_id = t.product_id
  AND e.occurred_at >= (t.month::timestamp AT TIME ZONE 'UTC')
  AND e.occurred_at < ((t.month + interval '1 month')::timestamp AT TIME ZONE 'UTC');

-- name: landing_settle_month
-- Swap a landed month in as usage_events' partition, or merge it by key ('swapped' or 'merged').
SELECT import_landing_settle(CAST(:month AS date));

-- name: landing_drop
-- Drop the landing table (and the partitions of merged months).
SELECT import_landing_end();

-- name: touch_from_events
-- Remember the product-months the events fall in (their rollups are rebuilt).
INSERT INTO stage_touched (product_id, month)
SELECT product_id, month FROM stage_event_months
ON CONFLICT DO NOTHING;
