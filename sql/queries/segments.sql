-- The people directory, eligibility rules, releases and rollouts: staging and upserts
-- for the import, the per user outcome and per segment rollups, and the reads behind
-- the Adoption page and the segment filter. Months are first-of-month dates (UTC).

-- name: create_segment_stage_tables
-- Temporary all-text staging tables for the directory, eligibility, releases and rollouts.
CREATE TEMP TABLE stage_people (user_id text, org text, team text, job_family text, location text, started_on text, left_on text) ON COMMIT DROP;
CREATE TEMP TABLE stage_eligibility (product_id text, attribute text, value text) ON COMMIT DROP;
CREATE TEMP TABLE stage_releases (product_id text, release_id text, released_on text, title text, kind text) ON COMMIT DROP;
CREATE TEMP TABLE stage_rollouts (product_id text, release_id text, attribute text, value text, rolled_out_on text) ON COMMIT DROP;
CREATE TEMP TABLE stage_segment_products (product_id text PRIMARY KEY) ON COMMIT DROP;

-- name: copy_people
-- Stage people.csv.
COPY stage_people FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_eligibility
-- Stage eligibility.csv.
COPY stage_eligibility FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_releases
-- Stage releases.csv.
COPY stage_releases FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: copy_rollouts
-- Stage rollouts.csv.
COPY stage_rollouts FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: upsert_people
-- Insert or replace people by user_id.
INSERT INTO people (user_id, org, team, job_family, location, started_on, left_on)
SELECT user_id, org, team, job_family, location, NULLIF(started_on, '')::date, NULLIF(left_on, '')::date
FROM stage_people
ON CONFLICT (user_id) DO UPDATE SET
    org = EXCLUDED.org, team = EXCLUDED.team, job_family = EXCLUDED.job_family,
    location = EXCLUDED.location, started_on = EXCLUDED.started_on, left_on = EXCLUDED.left_on;

-- name: upsert_eligibility
-- Insert eligibility rules by (product_id, attribute, value) (a rule has no other column).
INSERT INTO eligibility (product_id, attribute, value)
SELECT product_id, attribute, value FROM stage_eligibility
ON CONFLICT (product_id, attribute, value) DO NOTHING;

-- name: upsert_releases
-- Insert or replace releases by (product_id, release_id).
INSERT INTO releases (product_id, release_id, released_on, title, kind)
SELECT product_id, release_id, released_on::date, title, kind FROM stage_releases
ON CONFLICT (product_id, release_id) DO UPDATE SET
    released_on = EXCLUDED.released_on, title = EXCLUDED.title, kind = EXCLUDED.kind;

-- name: upsert_rollouts
-- Insert or replace rollouts by (product_id, release_id, attribute, value).
INSERT INTO rollouts (product_id, release_id, attribute, value, rolled_out_on)
SELECT product_id, release_id, attribute, value, rolled_out_on::date FROM stage_rollouts
ON CONFLICT (product_id, release_id, attribute, value) DO UPDATE SET
    rolled_out_on = EXCLUDED.rolled_out_on;

-- name: stored_release_keys
-- (product_id, release_id) of every stored release (rollouts may name them).
SELECT product_id, release_id FROM releases;

-- name: refresh_rollup_user_action_month
-- Rebuild per product, month, user and action events and outcomes for the touched months.
DELETE FROM rollup_user_action_month r USING stage_touched t
WHERE r.product_id = t.product_id AND r.month = t.month;
INSERT INTO rollup_user_action_month (product_id, month, user_id, action, events, succeeded_true, succeeded_false)
SELECT e.product_id, t.month, e.user_id, e.action, count(*),
       count(*) FILTER (WHERE e.succeeded), count(*) FILTER (WHERE NOT e.succeeded)
FROM usage_events e
JOIN stage_touched t
  ON e.product_id = t.product_id
 AND e.occurred_at >= (t.month::timestamp AT TIME ZONE 'UTC')
 AND e.occurred_at < ((t.month + interval '1 month')::timestamp AT TIME ZONE 'UTC')
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

-- name: segment_products_from_touched
-- The products whose segment rollup must be rebuilt after new events or surveys.
INSERT INTO stage_segment_products (product_id)
SELECT DISTINCT product_id FROM stage_touched
ON CONFLICT DO NOTHING;

-- name: segment_products_all
-- Every product (the directory, eligibility rules or task baselines changed).
INSERT INTO stage_segment_products (product_id)
SELECT product_id FROM products
ON CONFLICT DO NOTHING;

-- name: create_segment_products_table
-- The products-to-rebuild list for a refresh outside an import.
CREATE TEMP TABLE IF NOT EXISTS stage_segment_products (product_id text PRIMARY KEY) ON COMMIT DROP;

-- name: refresh_rollup_segment_month
-- Rebuild per product, month and segment the HEART counts and the funnel for the products in stage_segment_products, over every month of data.
DELETE FROM rollup_segment_month r USING stage_segment_products t WHERE r.product_id = t.product_id;
WITH months AS (
    SELECT generate_series(min(month), max(month), interval '1 month')::date AS month
    FROM rollup_user_month
), ruled AS (
    SELECT DISTINCT e.product_id FROM eligibility e JOIN stage_segment_products USING (product_id)
), firsts AS (
    SELECT u.product_id, u.user_id, min(u.month) AS first_month
    FROM rollup_user_month u JOIN stage_segment_products USING (product_id)
    GROUP BY 1, 2
), tried AS (
    SELECT a.product_id, a.user_id, min(a.month) AS first_tried
    FROM rollup_user_action_month a
    JOIN stage_segment_products USING (product_id)
    JOIN task_baselines b ON b.product_id = a.product_id AND b.action = a.action
    WHERE a.events > a.succeeded_false
    GROUP BY 1, 2
), outcomes AS (
    SELECT a.product_id, a.month, a.user_id,
           sum(a.succeeded_true) AS succeeded_true,
           sum(a.succeeded_true + a.succeeded_false) AS succeeded_known
    FROM rollup_user_action_month a JOIN stage_segment_products USING (product_id)
    GROUP BY 1, 2, 3
), answers AS (
    SELECT s.product_id, date_trunc('month', s.responded_at AT TIME ZONE 'UTC')::date AS month, s.user_id,
           count(*) AS responses,
           count(*) FILTER (WHERE s.score >= 9) AS promoters,
           count(*) FILTER (WHERE s.score <= 6) AS detractors
    FROM surveys s JOIN stage_segment_products USING (product_id)
    GROUP BY 1, 2, 3
), eligible AS (
    SELECT e.product_id, m.month, e.user_id
    FROM eligible_people e
    JOIN stage_segment_products USING (product_id)
    JOIN months m
      ON (e.started_on IS NULL OR e.started_on < (m.month + interval '1 month')::date)
     AND (e.left_on IS NULL OR e.left_on >= m.month)
), grid AS (
    SELECT product_id, month, user_id FROM eligible
    UNION
    SELECT f.product_id, m.month, f.user_id FROM firsts f JOIN months m ON m.month >= f.first_month
    UNION
    SELECT product_id, month, user_id FROM answers
), facts AS (
    SELECT g.product_id, g.month, g.user_id,
           CASE WHEN r.product_id IS NULL THEN NULL ELSE el.user_id IS NOT NULL END AS in_eligible,
           cur.user_id IS NOT NULL AS active,
           coalesce(cur.active_days, 0) AS active_days,
           prev.user_id IS NOT NULL AS prev_active,
           prev2.user_id IS NOT NULL AS prev2_active,
           coalesce(f.first_month <= g.month, false) AS reached,
           coalesce(t.first_tried <= g.month, false) AS tried,
           coalesce(o.succeeded_true, 0) AS succeeded_true,
           coalesce(o.succeeded_known, 0) AS succeeded_known,
           coalesce(a.responses, 0) AS responses,
           coalesce(a.promoters, 0) AS promoters,
           coalesce(a.detractors, 0) AS detractors
    FROM grid g
    LEFT JOIN ruled r ON r.product_id = g.product_id
    LEFT JOIN eligible el ON el.product_id = g.product_id AND el.month = g.month AND el.user_id = g.user_id
    LEFT JOIN rollup_user_month cur ON cur.product_id = g.product_id AND cur.month = g.month AND cur.user_id = g.user_id
    LEFT JOIN rollup_user_month prev ON prev.product_id = g.product_id AND prev.user_id = g.user_id
     AND prev.month = (g.month - interval '1 month')::date
    LEFT JOIN rollup_user_month prev2 ON prev2.product_id = g.product_id AND prev2.user_id = g.user_id
     AND prev2.month = (g.month - interval '2 months')::date
    LEFT JOIN firsts f ON f.product_id = g.product_id AND f.user_id = g.user_id
    LEFT JOIN tried t ON t.product_id = g.product_id AND t.user_id = g.user_id
    LEFT JOIN outcomes o ON o.product_id = g.product_id AND o.month = g.month AND o.user_id = g.user_id
    LEFT JOIN answers a ON a.product_id = g.product_id AND a.month = g.month AND a.user_id = g.user_id
), segmented AS (
    SELECT x.*, coalesce(s.attribute, u.attribute) AS attribute, coalesce(s.value, 'unknown') AS value
    FROM facts x
    CROSS JOIN (VALUES ('org'), ('team'), ('job_family'), ('location')) AS u (attribute)
    LEFT JOIN people_segments s ON s.user_id = x.user_id AND s.attribute = u.attribute
)
INSERT INTO rollup_segment_month
    (product_id, month, attribute, value, eligible, active_users, active_eligible, active_days,
     prev_active_users, retained_users, succeeded_true, succeeded_known, responses, promoters,
     detractors, reached, tried, funnel_active, habitual)
SELECT product_id, month, attribute, value,
       CASE WHEN bool_or(in_eligible IS NOT NULL) THEN count(*) FILTER (WHERE in_eligible) END,
       count(*) FILTER (WHERE active),
       count(*) FILTER (WHERE active AND in_eligible),
       sum(active_days),
       count(*) FILTER (WHERE prev_active),
       count(*) FILTER (WHERE active AND prev_active),
       sum(succeeded_true), sum(succeeded_known),
       sum(responses), sum(promoters), sum(detractors),
       count(*) FILTER (WHERE coalesce(in_eligible, true) AND reached),
       count(*) FILTER (WHERE coalesce(in_eligible, true) AND tried),
       count(*) FILTER (WHERE coalesce(in_eligible, true) AND tried AND active),
       count(*) FILTER (WHERE coalesce(in_eligible, true) AND tried AND active AND prev_active AND prev2_active)
FROM segmented
GROUP BY product_id, month, attribute, value;

-- name: segment_months
-- Rows of the per segment rollup for the selection and range; :attribute NULL means every attribute, :value NULL every value.
SELECT r.product_id, r.month, r.attribute, r.value, r.eligible, r.active_users, r.active_eligible,
       r.active_days, r.prev_active_users, r.retained_users, r.succeeded_true, r.succeeded_known,
       r.responses, r.promoters, r.detractors, r.reached, r.tried, r.funnel_active, r.habitual
FROM rollup_segment_month r
WHERE r.month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
  AND (CAST(:product_id AS text) IS NULL OR r.product_id = CAST(:product_id AS text))
  AND (CAST(:attribute AS text) IS NULL OR r.attribute = CAST(:attribute AS text))
  AND (CAST(:value AS text) IS NULL OR r.value = CAST(:value AS text))
ORDER BY r.product_id, r.attribute, r.value, r.month;

-- name: segment_values
-- Every value of each attribute in the people directory, with its head count (for the segment picker).
SELECT attribute, value, count(*) AS people
FROM people_segments
GROUP BY attribute, value
ORDER BY attribute, value;

-- name: products_with_rules
-- Products that have eligibility rules (their eligible population follows the directory).
SELECT DISTINCT product_id FROM eligibility ORDER BY product_id;

-- name: eligibility_rules
-- Eligibility rules of the selection.
SELECT product_id, attribute, value FROM eligibility
WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
ORDER BY product_id, attribute, value;

-- name: segment_lifecycle
-- Per product and month, users of one segment (:segment_attribute = :segment_value; 'unknown': outside the directory): active users split into new, returning and resurrected, and users gone dormant.
WITH months AS (
    SELECT generate_series(CAST(:month_from AS date), CAST(:month_to AS date), interval '1 month')::date AS month
), selected AS (
    SELECT product_id FROM products
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
), active AS (
    SELECT u.product_id, u.month, u.user_id
    FROM rollup_user_month u JOIN selected s USING (product_id)
    WHERE u.month BETWEEN (CAST(:month_from AS date) - interval '1 month')::date AND CAST(:month_to AS date)
      AND (CAST(:segment_attribute AS text) IS NULL OR coalesce(
          (SELECT ps.value FROM people_segments ps
           WHERE ps.user_id = u.user_id AND ps.attribute = CAST(:segment_attribute AS text)),
          'unknown') = CAST(:segment_value AS text))
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

-- name: segment_cohorts
-- Per product, users of one segment: monthly cohort (users by first ever active month, in the period) and months since: users active.
WITH selected AS (
    SELECT product_id FROM products
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
), firsts AS (
    SELECT u.product_id, u.user_id, min(u.month) AS cohort_month
    FROM rollup_user_month u JOIN selected s USING (product_id)
    WHERE u.month <= CAST(:month_to AS date)
      AND (CAST(:segment_attribute AS text) IS NULL OR coalesce(
          (SELECT ps.value FROM people_segments ps
           WHERE ps.user_id = u.user_id AND ps.attribute = CAST(:segment_attribute AS text)),
          'unknown') = CAST(:segment_value AS text))
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
