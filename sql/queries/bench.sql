-- The benchmark's own statements (bench/): the COPY ceiling and the naive reads.

-- name: bench_copy_drop
-- Drop the benchmark's unindexed COPY table.
DROP TABLE IF EXISTS bench_copy_ceiling;

-- name: bench_copy_create
-- An unindexed table with the events' typed columns: the practical ceiling of a load.
CREATE TABLE bench_copy_ceiling (
    product_id text, user_id text, occurred_at timestamptz,
    action text, succeeded boolean, duration_seconds double precision
);

-- name: bench_copy
-- COPY the events CSV into the ceiling table.
COPY bench_copy_ceiling FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: bench_copy_count
-- Rows loaded by the ceiling COPY.
SELECT count(*) FROM bench_copy_ceiling;

-- name: bench_checkpoint
-- Flush dirty buffers so the next measurement starts from the same state.
CHECKPOINT;

-- name: bench_naive_events
-- The naive approach: every raw event.
SELECT * FROM usage_events;

-- name: bench_naive_baselines
-- The naive approach: every task baseline.
SELECT * FROM task_baselines;

-- name: bench_naive_costs
-- The naive approach: every cost row.
SELECT * FROM costs;

-- name: bench_naive_assumptions
-- The naive approach: the global assumptions.
SELECT key, value FROM assumptions;
