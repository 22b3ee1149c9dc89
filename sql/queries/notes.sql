-- Notes: a short text on a product's month, optionally about one metric, with its author.

-- name: note_list
-- The notes of one product (or all when :product_id is null) in a month range, oldest first.
SELECT note_id, product_id, to_char(month, 'YYYY-MM') AS month, metric, author, text, created_at
FROM notes
WHERE (CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text))
  AND month BETWEEN CAST(:month_from AS date) AND CAST(:month_to AS date)
ORDER BY month, created_at, note_id;

-- name: note_insert
-- Add a note (or, when the same author wrote the same text on that month and metric, keep it); returns its id.
INSERT INTO notes (product_id, month, metric, author, text)
VALUES (CAST(:product_id AS text), CAST(:month AS date), CAST(:metric AS text), CAST(:author AS text), CAST(:text AS text))
ON CONFLICT (product_id, month, metric, author, md5(text)) DO UPDATE SET created_at = notes.created_at
RETURNING note_id;

-- name: note_delete
-- Delete one note by id; returns the id when it existed.
DELETE FROM notes WHERE note_id = CAST(:note_id AS bigint) RETURNING note_id;

-- name: stage_notes
-- The staging table of notes.csv (all text, dropped at commit).
CREATE TEMP TABLE stage_notes (product_id text, month text, metric text, author text, text text) ON COMMIT DROP;

-- name: copy_notes
-- Stage notes.csv.
COPY stage_notes FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: upsert_notes
-- Add the staged notes; a note already stored under the same key is kept as it is.
INSERT INTO notes (product_id, month, metric, author, text)
SELECT product_id, to_date(month, 'YYYY-MM'), coalesce(metric, ''), author, text
FROM stage_notes
ON CONFLICT (product_id, month, metric, author, md5(text)) DO NOTHING;
