-- The HEART page's extra aggregates (the five dimensions themselves come from
-- product_months in metrics.sql). Read from the per product-month rollups only (see
-- lifecycle.sql: their size does not grow with people); months are first-of-month
-- dates, :month_from and :month_to inclusive, :product_id NULL means every product.
-- Lifecycle of a user of product p in month m: new = m is the first ever active month;
-- returning = active in m and m-1; resurrected = active in m, not in m-1, but in some
-- earlier month; dormant = active in m-1, not in m.

-- name: heart_lifecycle
-- Per product and month: active users split into new, returning and resurrected, and users gone dormant.
WITH months AS (
    SELECT generate_series(CAST(:month_from AS date), CAST(:month_to AS date), interval '1 month')::date AS month
), selected AS (
    SELECT product_id FROM products
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
)
SELECT s.product_id, m.month,
       coalesce(l.active_users, 0) AS active_users,
       coalesce(l.new_users, 0) AS new_users,
       coalesce(l.returning_users, 0) AS returning_users,
       coalesce(l.resurrected_users, 0) AS resurrected_users,
       coalesce(l.dormant_users, 0) AS dormant_users
FROM selected s
CROSS JOIN months m
LEFT JOIN rollup_lifecycle_month l ON l.product_id = s.product_id AND l.month = m.month
ORDER BY s.product_id, m.month;

-- name: heart_cohorts
-- Per product, monthly cohort (users by first ever active month, in the period) and months since: users active.
SELECT c.product_id, c.cohort_month,
       CAST((extract(year FROM c.month) - extract(year FROM c.cohort_month)) * 12
            + extract(month FROM c.month) - extract(month FROM c.cohort_month) AS integer) AS months_since,
       z.active_users AS cohort_users, c.active_users
FROM rollup_cohort_month c
JOIN rollup_cohort_month z
  ON z.product_id = c.product_id AND z.cohort_month = c.cohort_month AND z.month = c.cohort_month
WHERE c.cohort_month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
  AND c.month <= CAST(:month_to AS date)
  AND (CAST(:product_id AS text) IS NULL OR c.product_id = CAST(:product_id AS text))
ORDER BY c.product_id, c.cohort_month, months_since;

-- name: heart_action_months
-- Per product, month and action: events, outcomes and the median task duration in seconds.
SELECT a.product_id, a.month, a.action, a.events, a.succeeded_true,
       a.succeeded_true + a.succeeded_false AS succeeded_known,
       a.duration_count, a.duration_median
FROM rollup_action_month a
WHERE a.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
  AND (CAST(:product_id AS text) IS NULL OR a.product_id = CAST(:product_id AS text))
ORDER BY a.product_id, a.month, a.action;
