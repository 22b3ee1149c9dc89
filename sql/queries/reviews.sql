-- Frozen reviews: what a review showed, kept as it was (the report, its monthly series,
-- the plan, the notes and the brief's PDF).

-- name: review_insert
-- Freeze a review; returns no row when a review of that name exists.
INSERT INTO reviews (name, product_id, month_from, month_to, report, series, plan, notes, brief_pdf, author)
VALUES (CAST(:name AS text), CAST(:product_id AS text), CAST(:month_from AS text), CAST(:month_to AS text),
        CAST(:report AS json), CAST(:series AS json), CAST(:plan AS json), CAST(:notes AS json),
        CAST(:brief_pdf AS bytea), CAST(:author AS text))
ON CONFLICT (name) DO NOTHING
RETURNING review_id;

-- name: review_list
-- Every frozen review, newest first (without the heavy columns).
SELECT review_id, name, product_id, month_from, month_to, author, created_at,
       plan IS NOT NULL AS has_plan, json_array_length(notes) AS notes
FROM reviews
ORDER BY created_at DESC, review_id DESC;

-- name: review_get
-- One frozen review by name, with everything it holds.
SELECT review_id, name, product_id, month_from, month_to, report::text AS report,
       series::text AS series, plan::text AS plan, notes::text AS notes, brief_pdf, author,
       created_at
FROM reviews
WHERE name = CAST(:review_name AS text);

-- name: review_latest_name
-- The name of the newest frozen review (no row when there is none).
SELECT name FROM reviews ORDER BY created_at DESC, review_id DESC LIMIT 1;

-- name: review_delete
-- Delete a frozen review by name; returns the id when it existed.
DELETE FROM reviews WHERE name = CAST(:review_name AS text) RETURNING review_id;

-- name: review_previous_name
-- The newest review of the same selection frozen before the given one (no row when none).
SELECT o.name
FROM reviews r
JOIN reviews o
  ON o.product_id IS NOT DISTINCT FROM r.product_id
 AND (o.created_at, o.review_id) < (r.created_at, r.review_id)
WHERE r.name = CAST(:review_name AS text)
ORDER BY o.created_at DESC, o.review_id DESC
LIMIT 1;
