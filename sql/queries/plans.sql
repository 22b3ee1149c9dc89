-- Portfolio plans (DESIGN section 6, "Portfolio plan"): a named pick per product.

-- name: plan_list
-- Every saved plan, by name.
SELECT plan_id, name, author, choices, horizon, created_at, updated_at
FROM plans
ORDER BY lower(name), name;

-- name: plan_get
-- One saved plan by name.
SELECT plan_id, name, author, choices, horizon, created_at, updated_at
FROM plans
WHERE name = CAST(:plan_name AS text);

-- name: plan_insert
-- Save a new plan; returns no row when a plan of that name exists.
INSERT INTO plans (name, author, choices, horizon)
VALUES (CAST(:name AS text), CAST(:author AS text), CAST(:choices AS jsonb), CAST(:horizon AS integer))
ON CONFLICT (name) DO NOTHING
RETURNING plan_id;

-- name: plan_upsert
-- Save a plan, replacing the picks, horizon and author of one with the same name.
INSERT INTO plans (name, author, choices, horizon)
VALUES (CAST(:name AS text), CAST(:author AS text), CAST(:choices AS jsonb), CAST(:horizon AS integer))
ON CONFLICT (name) DO UPDATE
SET choices = EXCLUDED.choices, horizon = EXCLUDED.horizon, author = EXCLUDED.author,
    updated_at = now()
RETURNING plan_id;

-- name: plan_delete
-- Delete a saved plan by id; returns the id when it existed.
DELETE FROM plans WHERE plan_id = CAST(:plan_id AS bigint) RETURNING plan_id;

-- name: saved_scenarios_all
-- Every saved scenario's drivers, for composing plans: product, name, drivers.
SELECT product_id, name, drivers FROM scenarios ORDER BY product_id, lower(name), name;
