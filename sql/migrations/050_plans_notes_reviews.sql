-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_050
-- Saved portfolio plans, notes on a product's month, and frozen reviews (snapshots of what a review showed).
CREATE TABLE plans (
    plan_id    bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    author     text NOT NULL DEFAULT '' CHECK (length(author) <= 80),
    choices    jsonb NOT NULL CHECK (jsonb_typeof(choices) = 'object'),
    horizon    integer NOT NULL DEFAULT 36 CHECK (horizon BETWEEN 1 AND 120),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- metric is '' when a note is about the product's month as a whole (so the natural key
-- has no NULL in it).
CREATE TABLE notes (
    note_id    bigserial PRIMARY KEY,
    product_id text NOT NULL REFERENCES products ON DELETE CASCADE,
    month      date NOT NULL CHECK (extract(day FROM month) = 1),
    metric     text NOT NULL DEFAULT '' CHECK (metric IN ('', 'happiness', 'engagement', 'adoption', 'retention', 'task_success', 'savings', 'cost')),
    author     text NOT NULL CHECK (length(btrim(author)) BETWEEN 1 AND 80),
    text       text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 500),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notes_natural_key ON notes (product_id, month, metric, author, md5(text));

-- The report is kept as the JSON text it was written as (json, not jsonb: key order and
-- every digit stay as frozen), with the brief's PDF bytes.
CREATE TABLE reviews (
    review_id  bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    product_id text,
    month_from text NOT NULL CHECK (month_from ~ '^\d{4}-\d{2}$'),
    month_to   text NOT NULL CHECK (month_to ~ '^\d{4}-\d{2}$'),
    report     json NOT NULL,
    series     json NOT NULL,
    plan       json,
    notes      json NOT NULL,
    brief_pdf  bytea NOT NULL,
    author     text NOT NULL DEFAULT '' CHECK (length(author) <= 80),
    created_at timestamptz NOT NULL DEFAULT now()
);
