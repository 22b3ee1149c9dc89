-- The HEART page's lifecycle and cohort queries as they were before the per product-month
-- rollups (they classified every user-month at read time): the reference the rollups are tested against.

-- name: heart_lifecycle
-- Per product and month: active users split into new, returning and resurrected, and users gone dormant.
WITH months AS (
    SELECT generate_series(CAST(:month_from AS date), CAST(:month_to AS date), interval '1 month')::date AS month
), selected AS (
    SELECT product_id FROM products
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
), active AS (
    SELECT u.product_id, u.month, u.user_id
    FROM rollup_user_month u JOIN selected s USING (product_id)
    WHERE u.month BETWEEN (CAST(:month_from AS date) - interval '1 month')::date AND CAST(:month_to AS date)
), this_and_last AS (
    SELECT coalesce(cur.product_id, prev.product_id) AS product_id,
           coalesce(cur.month, prev.next_month) AS month,
           coalesce(cur.user_id, prev.user_id) AS user_id,
           cur.user_id IS NOT NULL AS active_now,
           prev.user_id IS NOT NULL AS active_last_month
    FROM (SELECT product_id, month, user_id FROM active
          WHERE month >= CAST(:month_from AS date)) cur
    FULL JOIN (SELECT product_id, (month + interval '1 month')::date AS next_month, user_id FROM active
               WHERE month < CAST(:month_to AS date)) prev
      ON prev.product_id = cur.product_id AND prev.user_id = cur.user_id AND prev.next_month = cur.month
), classified AS (
    SELECT t.product_id, t.month,
           CASE
               WHEN NOT t.active_now THEN 'dormant'
               WHEN t.active_last_month THEN 'returning'
               WHEN EXISTS (
                   SELECT 1 FROM rollup_user_month e
                   WHERE e.product_id = t.product_id AND e.user_id = t.user_id AND e.month < t.month
               ) THEN 'resurrected'
               ELSE 'new'
           END AS state
    FROM this_and_last t
)
SELECT s.product_id, m.month,
       count(c.state) FILTER (WHERE c.state <> 'dormant') AS active_users,
       count(c.state) FILTER (WHERE c.state = 'new') AS new_users,
       count(c.state) FILTER (WHERE c.state = 'returning') AS returning_users,
       count(c.state) FILTER (WHERE c.state = 'resurrected') AS resurrected_users,
       count(c.state) FILTER (WHERE c.state = 'dormant') AS dormant_users
FROM selected s
CROSS JOIN months m
LEFT JOIN classified c ON c.product_id = s.product_id AND c.month = m.month
GROUP BY s.product_id, m.month
ORDER BY s.product_id, m.month;

-- name: heart_cohorts
-- Per product, monthly cohort (users by first ever active month, in the period) and months since: users active.
WITH selected AS (
    SELECT product_id FROM products
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
), firsts AS (
    SELECT u.product_id, u.user_id, min(u.month) AS cohort_month
    FROM rollup_user_month u JOIN selected s USING (product_id)
    WHERE u.month <= CAST(:month_to AS date)
    GROUP BY u.product_id, u.user_id
    HAVING min(u.month) >= CAST(:month_from AS date)
), activity AS (
    SELECT f.product_id, f.cohort_month,
           CAST((extract(year FROM u.month) - extract(year FROM f.cohort_month)) * 12
                + extract(month FROM u.month) - extract(month FROM f.cohort_month) AS integer) AS months_since,
           count(*) AS active_users
    FROM firsts f
    JOIN rollup_user_month u
      ON u.product_id = f.product_id AND u.user_id = f.user_id
     AND u.month BETWEEN f.cohort_month AND CAST(:month_to AS date)
    GROUP BY 1, 2, 3
)
SELECT a.product_id, a.cohort_month, a.months_since,
       c.active_users AS cohort_users, a.active_users
FROM activity a
JOIN activity c
  ON c.product_id = a.product_id AND c.cohort_month = a.cohort_month AND c.months_since = 0
ORDER BY a.product_id, a.cohort_month, a.months_since;

