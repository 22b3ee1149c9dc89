-- Lifecycle and cohort rollups: the HEART page's user lifecycle and cohort grid counted
-- once per product and month at import time, so the page reads a few hundred rows however
-- many people a company has. A user's state in a month depends on every earlier month
-- (first ever active month), so a product's rows are rebuilt from its earliest touched
-- month onwards; rows of earlier months cannot change. Built from rollup_user_month:
-- run after refresh_rollup_user_month.

-- name: refresh_rollup_lifecycle
-- Rebuild per product-month lifecycle counts and cohort survivors from each product's earliest touched month onwards.
DROP TABLE IF EXISTS stage_lifecycle_scope, stage_user_first;
CREATE TEMP TABLE stage_lifecycle_scope ON COMMIT DROP AS
SELECT product_id, min(month) AS since FROM stage_touched GROUP BY product_id;
-- First ever active month of every user of the products in scope (one index-only scan).
CREATE TEMP TABLE stage_user_first ON COMMIT DROP AS
SELECT u.product_id, u.user_id, min(u.month) AS first_month
FROM rollup_user_month u JOIN stage_lifecycle_scope s USING (product_id)
GROUP BY u.product_id, u.user_id;
ANALYZE stage_lifecycle_scope;
ANALYZE stage_user_first;

DELETE FROM rollup_lifecycle_month r USING stage_lifecycle_scope s
WHERE r.product_id = s.product_id AND r.month >= s.since;
INSERT INTO rollup_lifecycle_month
    (product_id, month, active_users, new_users, returning_users, resurrected_users, dormant_users)
WITH active AS (
    SELECT u.product_id, u.month, u.user_id
    FROM rollup_user_month u JOIN stage_lifecycle_scope s USING (product_id)
    WHERE u.month >= (s.since - interval '1 month')::date
), cur AS (
    SELECT a.product_id, a.month, a.user_id
    FROM active a JOIN stage_lifecycle_scope s USING (product_id)
    WHERE a.month >= s.since
), prev AS (
    SELECT product_id, (month + interval '1 month')::date AS next_month, user_id FROM active
), classified AS (
    SELECT coalesce(cur.product_id, prev.product_id) AS product_id,
           coalesce(cur.month, prev.next_month) AS month,
           CASE
               WHEN cur.user_id IS NULL THEN 'dormant'
               WHEN prev.user_id IS NOT NULL THEN 'returning'
               WHEN f.first_month < cur.month THEN 'resurrected'
               ELSE 'new'
           END AS state
    FROM cur
    FULL JOIN prev
      ON prev.product_id = cur.product_id AND prev.user_id = cur.user_id AND prev.next_month = cur.month
    LEFT JOIN stage_user_first f ON f.product_id = cur.product_id AND f.user_id = cur.user_id
)
SELECT product_id, month,
       count(*) FILTER (WHERE state <> 'dormant'),
       count(*) FILTER (WHERE state = 'new'),
       count(*) FILTER (WHERE state = 'returning'),
       count(*) FILTER (WHERE state = 'resurrected'),
       count(*) FILTER (WHERE state = 'dormant')
FROM classified
GROUP BY product_id, month
ORDER BY product_id, month;

DELETE FROM rollup_cohort_month r USING stage_lifecycle_scope s
WHERE r.product_id = s.product_id AND r.month >= s.since;
INSERT INTO rollup_cohort_month (product_id, cohort_month, month, active_users)
SELECT u.product_id, f.first_month, u.month, count(*)
FROM rollup_user_month u
JOIN stage_lifecycle_scope s ON s.product_id = u.product_id AND u.month >= s.since
JOIN stage_user_first f ON f.product_id = u.product_id AND f.user_id = u.user_id
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;
