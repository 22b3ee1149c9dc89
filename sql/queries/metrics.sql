-- Monthly aggregates behind every figure (DESIGN section 4), read from the rollups.
-- Months are first-of-month dates; :month_from and :month_to are inclusive.
-- :product_id NULL means every product.

-- name: product_months
-- One row per product and month of the range: activity, outcomes, surveys (the month's and the rolling quarter's m-2..m), cost (tasks and hours: product_month_tasks).
WITH months AS (
    SELECT generate_series(CAST(:month_from AS date), CAST(:month_to AS date), interval '1 month')::date AS month
), selected AS (
    SELECT product_id, eligible_users FROM products
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
), ruled AS (
    SELECT DISTINCT e.product_id FROM eligibility e JOIN selected s USING (product_id)
), spans AS (
    -- With eligibility rules, the people employed in the month who match any rule: a
    -- person counts from the month they start (or the range's first) to the month they
    -- leave (or its last), so a count is a running sum of starts and ends, one pass over
    -- the people rather than one per month.
    SELECT e.product_id,
           greatest(coalesce(date_trunc('month', e.started_on)::date, CAST(:month_from AS date)),
                    CAST(:month_from AS date)) AS first_month,
           least(coalesce(date_trunc('month', e.left_on)::date, CAST(:month_to AS date)),
                 CAST(:month_to AS date)) AS last_month
    FROM eligible_people e JOIN ruled USING (product_id)
), steps AS (
    SELECT product_id, month, sum(step) AS step
    FROM (
        SELECT product_id, first_month AS month, 1 AS step FROM spans WHERE first_month <= last_month
        UNION ALL
        SELECT product_id, (last_month + interval '1 month')::date, -1 FROM spans WHERE first_month <= last_month
    ) ends
    GROUP BY 1, 2
), eligible AS (
    SELECT ru.product_id, m.month,
           (sum(coalesce(st.step, 0)) OVER (PARTITION BY ru.product_id ORDER BY m.month))::bigint
               AS eligible_users
    FROM ruled ru
    CROSS JOIN months m
    LEFT JOIN steps st ON st.product_id = ru.product_id AND st.month = m.month
), activity AS (
    SELECT r.product_id, r.month, r.active_users, r.active_days, r.retained_users
    FROM rollup_product_month r JOIN selected s USING (product_id)
    WHERE r.month BETWEEN CAST(:month_from AS date) - interval '1 month' AND CAST(:month_to AS date)
), outcomes AS (
    SELECT a.product_id, a.month,
           sum(a.events) AS events,
           sum(a.succeeded_true) AS succeeded_true,
           sum(a.succeeded_true + a.succeeded_false) AS succeeded_known
    FROM rollup_action_month a JOIN selected s USING (product_id)
    WHERE a.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
    GROUP BY 1, 2
), quarter_surveys AS (
    SELECT sv.product_id, m.month,
           sum(sv.responses) AS responses,
           sum(sv.promoters) AS promoters,
           sum(sv.detractors) AS detractors
    FROM months m
    JOIN rollup_survey_month sv
      ON sv.month BETWEEN (m.month - interval '2 months')::date AND m.month
    JOIN selected s USING (product_id)
    GROUP BY 1, 2
), cost AS (
    SELECT c.product_id, c.month, sum(c.amount) AS cost
    FROM costs c JOIN selected s USING (product_id)
    WHERE c.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
    GROUP BY 1, 2
)
SELECT s.product_id, m.month,
       CASE WHEN ru.product_id IS NULL THEN s.eligible_users
            ELSE coalesce(el.eligible_users, 0) END AS eligible_users,
       coalesce(act.active_users, 0) AS active_users,
       coalesce(act.active_days, 0) AS active_days,
       coalesce(prev.active_users, 0) AS prev_active_users,
       coalesce(act.retained_users, 0) AS retained_users,
       coalesce(o.events, 0) AS events,
       coalesce(o.succeeded_true, 0) AS succeeded_true,
       coalesce(o.succeeded_known, 0) AS succeeded_known,
       coalesce(sv.responses, 0) AS responses,
       coalesce(sv.promoters, 0) AS promoters,
       coalesce(sv.detractors, 0) AS detractors,
       coalesce(q.responses, 0) AS happiness_responses,
       coalesce(q.promoters, 0) AS happiness_promoters,
       coalesce(q.detractors, 0) AS happiness_detractors,
       coalesce(c.cost, 0) AS cost
FROM selected s
CROSS JOIN months m
LEFT JOIN ruled ru ON ru.product_id = s.product_id
LEFT JOIN eligible el ON el.product_id = s.product_id AND el.month = m.month
LEFT JOIN activity act ON act.product_id = s.product_id AND act.month = m.month
LEFT JOIN activity prev ON prev.product_id = s.product_id AND prev.month = (m.month - interval '1 month')::date
LEFT JOIN outcomes o ON o.product_id = s.product_id AND o.month = m.month
LEFT JOIN rollup_survey_month sv ON sv.product_id = s.product_id AND sv.month = m.month
LEFT JOIN quarter_surveys q ON q.product_id = s.product_id AND q.month = m.month
LEFT JOIN cost c ON c.product_id = s.product_id AND c.month = m.month
ORDER BY s.product_id, m.month;

-- name: product_month_tasks
-- Per product, month and task baseline: the events of the baseline's action and those that recorded a failure, with the baseline's minutes and confidence (counts only: the hours and money are the core's rule).
SELECT a.product_id, a.month, a.action, a.events, a.succeeded_false,
       b.minutes_saved, b.confidence
FROM rollup_action_month a
JOIN task_baselines b ON b.product_id = a.product_id AND b.action = a.action
WHERE a.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
  AND (CAST(:product_id AS text) IS NULL OR a.product_id = CAST(:product_id AS text))
ORDER BY a.product_id, a.month, a.action;

-- name: product_list
-- Products with owner, eligible users and launch date, by name.
SELECT product_id, name, owner_team, eligible_users, launched_on
FROM products
WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
ORDER BY name;

-- name: heart_goals_for
-- HEART goals of the selected products.
SELECT product_id, dimension, role, goal, signal, metric, target
FROM heart_goals
WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
ORDER BY product_id, dimension;

-- name: assumptions_all
-- The global assumptions (loaded_hourly_cost, currency, discount_rate) as key/value text.
SELECT key, value, updated_at FROM assumptions ORDER BY key;

-- name: data_months
-- The first and last month holding any usage event (NULLs on an empty database).
SELECT min(month) AS first_month, max(month) AS last_month FROM rollup_product_month;

-- name: product_coverage
-- Per product: months and users with activity, events, surveys, cost months, latest data.
-- Read from the per product-month rollups (users: the sum of the cohort sizes, each user
-- counted in the month of their first activity), the latest day by one index probe.
SELECT p.product_id, p.name, p.owner_team, p.eligible_users, p.launched_on,
       u.first_month, u.last_month, coalesce(u.active_months, 0) AS active_months,
       coalesce(k.users, 0) AS users, coalesce(e.events, 0) AS events,
       coalesce(sv.responses, 0) AS survey_responses,
       coalesce(c.cost_months, 0) AS cost_months,
       d.last_day
FROM products p
LEFT JOIN (
    SELECT product_id, min(month) AS first_month, max(month) AS last_month,
           count(*) AS active_months
    FROM rollup_product_month GROUP BY product_id
) u USING (product_id)
LEFT JOIN (
    SELECT product_id, sum(active_users) AS users
    FROM rollup_cohort_month WHERE month = cohort_month GROUP BY product_id
) k USING (product_id)
LEFT JOIN (SELECT product_id, sum(events) AS events FROM rollup_action_month GROUP BY product_id) e USING (product_id)
LEFT JOIN (SELECT product_id, sum(responses) AS responses FROM rollup_survey_month GROUP BY product_id) sv USING (product_id)
LEFT JOIN (SELECT product_id, count(DISTINCT month) AS cost_months FROM costs GROUP BY product_id) c USING (product_id)
LEFT JOIN LATERAL (
    SELECT max(day) AS last_day FROM rollup_user_day r WHERE r.product_id = p.product_id
) d ON true
ORDER BY p.name;

-- name: last_import
-- When data was last imported, and from where.
SELECT imported_at, source, files FROM import_log ORDER BY import_id DESC LIMIT 1;
