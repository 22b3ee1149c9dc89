-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_002
-- Saved what-if scenarios: a named set of drivers per product (the name is unique per product).
CREATE TABLE scenarios (
    scenario_id bigserial PRIMARY KEY,
    product_id  text NOT NULL REFERENCES products ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    author      text NOT NULL DEFAULT '' CHECK (length(author) <= 80),
    drivers     jsonb NOT NULL CHECK (jsonb_typeof(drivers) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, name)
);
