-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_020
-- Per product-month lifecycle counts (new, returning, resurrected, dormant) and per product, cohort and month the cohort's active users, so the HEART page does not read per-user rollups; filled from rollup_user_month.
CREATE TABLE rollup_lifecycle_month (
    product_id        text NOT NULL,
    month             date NOT NULL,
    active_users      integer NOT NULL,
    new_users         integer NOT NULL,
    returning_users   integer NOT NULL,
    resurrected_users integer NOT NULL,
    dormant_users     integer NOT NULL,
    PRIMARY KEY (product_id, month)
);

-- cohort_month: the users' first ever active month; month: a month they were active in.
CREATE TABLE rollup_cohort_month (
    product_id   text NOT NULL,
    cohort_month date NOT NULL,
    month        date NOT NULL,
    active_users integer NOT NULL,
    PRIMARY KEY (product_id, cohort_month, month)
);

WITH firsts AS (
    SELECT product_id, user_id, min(month) AS first_month
    FROM rollup_user_month GROUP BY product_id, user_id
), classified AS (
    SELECT coalesce(cur.product_id, prev.product_id) AS product_id,
           coalesce(cur.month, (prev.month + interval '1 month')::date) AS month,
           CASE
               WHEN cur.user_id IS NULL THEN 'dormant'
               WHEN prev.user_id IS NOT NULL THEN 'returning'
               WHEN f.first_month < cur.month THEN 'resurrected'
               ELSE 'new'
           END AS state
    FROM rollup_user_month cur
    FULL JOIN rollup_user_month prev
      ON prev.product_id = cur.product_id AND prev.user_id = cur.user_id
     AND (prev.month + interval '1 month')::date = cur.month
    LEFT JOIN firsts f ON f.product_id = cur.product_id AND f.user_id = cur.user_id
)
INSERT INTO rollup_lifecycle_month
    (product_id, month, active_users, new_users, returning_users, resurrected_users, dormant_users)
SELECT product_id, month,
       count(*) FILTER (WHERE state <> 'dormant'),
       count(*) FILTER (WHERE state = 'new'),
       count(*) FILTER (WHERE state = 'returning'),
       count(*) FILTER (WHERE state = 'resurrected'),
       count(*) FILTER (WHERE state = 'dormant')
FROM classified
GROUP BY product_id, month;

WITH firsts AS (
    SELECT product_id, user_id, min(month) AS first_month
    FROM rollup_user_month GROUP BY product_id, user_id
)
INSERT INTO rollup_cohort_month (product_id, cohort_month, month, active_users)
SELECT u.product_id, f.first_month, u.month, count(*)
FROM rollup_user_month u
JOIN firsts f ON f.product_id = u.product_id AND f.user_id = u.user_id
GROUP BY 1, 2, 3;
