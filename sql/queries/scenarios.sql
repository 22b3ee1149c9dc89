-- Scenarios (DESIGN section 6): the baseline of a product's recent actuals, read from
-- the rollups, and the saved named scenarios. Months are first-of-month dates;
-- :month_from and :month_to are inclusive.

-- name: scenario_baseline_months
-- Each month of the baseline window: active users, last month's users, users retained, cost by category.
WITH months AS (
    SELECT generate_series(CAST(:month_from AS date), CAST(:month_to AS date), interval '1 month')::date AS month
), activity AS (
    SELECT r.month, r.active_users, r.retained_users
    FROM rollup_product_month r
    WHERE r.product_id = CAST(:product_id AS text)
      AND r.month BETWEEN (CAST(:month_from AS date) - interval '1 month')::date AND CAST(:month_to AS date)
), cost AS (
    SELECT c.month,
           sum(c.amount) FILTER (WHERE c.category = 'headcount') AS headcount,
           sum(c.amount) FILTER (WHERE c.category = 'infrastructure') AS infrastructure,
           sum(c.amount) FILTER (WHERE c.category = 'licenses') AS licenses,
           sum(c.amount) FILTER (WHERE c.category = 'other') AS other,
           count(*) AS cost_rows
    FROM costs c
    WHERE c.product_id = CAST(:product_id AS text)
      AND c.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
    GROUP BY c.month
)
SELECT m.month,
       coalesce(a.active_users, 0) AS active_users,
       coalesce(p.active_users, 0) AS prev_active_users,
       coalesce(a.retained_users, 0) AS retained_users,
       coalesce(c.headcount, 0)::double precision AS headcount,
       coalesce(c.infrastructure, 0)::double precision AS infrastructure,
       coalesce(c.licenses, 0)::double precision AS licenses,
       coalesce(c.other, 0)::double precision AS other,
       coalesce(c.cost_rows, 0) AS cost_rows
FROM months m
LEFT JOIN activity a ON a.month = m.month
LEFT JOIN activity p ON p.month = (m.month - interval '1 month')::date
LEFT JOIN cost c ON c.month = m.month
ORDER BY m.month;

-- name: scenario_baseline_actions
-- Each task baseline of the product with its attempts and recorded outcomes summed over the window.
SELECT b.action, b.minutes_saved, b.confidence,
       coalesce(sum(a.events), 0) AS events,
       coalesce(sum(a.succeeded_true), 0) AS succeeded_true,
       coalesce(sum(a.succeeded_false), 0) AS succeeded_false
FROM task_baselines b
LEFT JOIN rollup_action_month a
  ON a.product_id = b.product_id AND a.action = b.action
 AND a.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
WHERE b.product_id = CAST(:product_id AS text)
GROUP BY b.action, b.minutes_saved, b.confidence
ORDER BY b.action;

-- name: scenario_list
-- The saved scenarios of one product, by name.
SELECT scenario_id, product_id, name, author, drivers, created_at, updated_at
FROM scenarios
WHERE product_id = CAST(:product_id AS text)
ORDER BY lower(name), name;

-- name: scenario_insert
-- Save a new scenario; returns no row when the product already has one of that name.
INSERT INTO scenarios (product_id, name, author, drivers)
VALUES (CAST(:product_id AS text), CAST(:name AS text), CAST(:author AS text), CAST(:drivers AS jsonb))
ON CONFLICT (product_id, name) DO NOTHING
RETURNING scenario_id;

-- name: scenario_upsert
-- Save a scenario, replacing the drivers and author of one with the same name (created_at is kept).
INSERT INTO scenarios (product_id, name, author, drivers)
VALUES (CAST(:product_id AS text), CAST(:name AS text), CAST(:author AS text), CAST(:drivers AS jsonb))
ON CONFLICT (product_id, name) DO UPDATE
SET drivers = EXCLUDED.drivers, author = EXCLUDED.author, updated_at = now()
RETURNING scenario_id;

-- name: scenario_rename
-- Rename a scenario unless another scenario of the product has the new name; returns the id when done.
UPDATE scenarios s
SET name = CAST(:new_name AS text), updated_at = now()
WHERE s.scenario_id = CAST(:scenario_id AS bigint)
  AND s.product_id = CAST(:product_id AS text)
  AND NOT EXISTS (
      SELECT 1 FROM scenarios o
      WHERE o.product_id = s.product_id AND o.name = CAST(:new_name AS text)
        AND o.scenario_id <> s.scenario_id
  )
RETURNING s.scenario_id;

-- name: scenario_delete
-- Delete one saved scenario of the product; returns the id when it existed.
DELETE FROM scenarios
WHERE scenario_id = CAST(:scenario_id AS bigint) AND product_id = CAST(:product_id AS text)
RETURNING scenario_id;
