-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_001
-- Base tables with the natural keys of the CSV contract, rollups and the import log.
CREATE TABLE products (
    product_id     text PRIMARY KEY,
    name           text NOT NULL,
    owner_team     text NOT NULL,
    eligible_users integer NOT NULL CHECK (eligible_users >= 0),
    launched_on    date
);

CREATE TABLE costs (
    product_id text NOT NULL REFERENCES products,
    month      date NOT NULL CHECK (extract(day FROM month) = 1),
    category   text NOT NULL CHECK (category IN ('headcount', 'infrastructure', 'licenses', 'other')),
    amount     numeric(16, 2) NOT NULL,
    PRIMARY KEY (product_id, month, category)
);

-- The key leads with (product_id, occurred_at) so rollup refreshes of one product-month
-- are an index range scan. No foreign key to products: the import validates every
-- reference before writing, and a per-row check would cost 40 percent of the load time.
CREATE TABLE usage_events (
    product_id       text NOT NULL,
    user_id          text NOT NULL,
    occurred_at      timestamptz NOT NULL,
    action           text NOT NULL,
    succeeded        boolean,
    duration_seconds double precision CHECK (duration_seconds >= 0),
    PRIMARY KEY (product_id, occurred_at, user_id, action)
);

CREATE TABLE surveys (
    product_id   text NOT NULL REFERENCES products,
    user_id      text NOT NULL,
    responded_at timestamptz NOT NULL,
    score        smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    PRIMARY KEY (product_id, responded_at, user_id)
);

CREATE TABLE task_baselines (
    product_id    text NOT NULL REFERENCES products,
    action        text NOT NULL,
    minutes_saved double precision NOT NULL CHECK (minutes_saved >= 0),
    confidence    double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    source        text NOT NULL,
    PRIMARY KEY (product_id, action)
);

CREATE TABLE heart_goals (
    product_id text NOT NULL REFERENCES products,
    dimension  text NOT NULL CHECK (dimension IN ('happiness', 'engagement', 'adoption', 'retention', 'task_success')),
    role       text NOT NULL CHECK (role IN ('key', 'backstop')),
    goal       text NOT NULL,
    signal     text NOT NULL,
    metric     text NOT NULL,
    target     double precision NOT NULL,
    PRIMARY KEY (product_id, dimension)
);

CREATE TABLE objectives (
    objective_id text PRIMARY KEY,
    title        text NOT NULL,
    level        text NOT NULL CHECK (level IN ('company', 'org', 'team')),
    parent_id    text REFERENCES objectives DEFERRABLE INITIALLY DEFERRED,
    period       text NOT NULL
);

CREATE TABLE key_results (
    kr_id        text PRIMARY KEY,
    objective_id text NOT NULL REFERENCES objectives,
    title        text NOT NULL,
    unit         text NOT NULL,
    baseline     double precision NOT NULL,
    target       double precision NOT NULL
);

CREATE TABLE kr_measurements (
    kr_id text NOT NULL REFERENCES key_results,
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    value double precision NOT NULL,
    PRIMARY KEY (kr_id, month)
);

CREATE TABLE metric_links (
    product_id text NOT NULL REFERENCES products,
    metric     text NOT NULL CHECK (metric IN ('happiness', 'engagement', 'adoption', 'retention', 'task_success', 'savings')),
    kr_id      text NOT NULL REFERENCES key_results,
    evidence   text NOT NULL CHECK (evidence IN ('causal', 'correlational', 'asserted')),
    note       text NOT NULL DEFAULT '',
    PRIMARY KEY (product_id, metric, kr_id)
);

CREATE TABLE assumptions (
    key        text PRIMARY KEY CHECK (key IN ('loaded_hourly_cost', 'currency', 'discount_rate')),
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO assumptions (key, value) VALUES
    ('loaded_hourly_cost', '100'), ('currency', 'USD'), ('discount_rate', '0.10')
ON CONFLICT (key) DO NOTHING;

-- Rollups, maintained by the import for the product-months it touches.
CREATE TABLE rollup_user_day (
    product_id text NOT NULL,
    day        date NOT NULL,
    user_id    text NOT NULL,
    events     integer NOT NULL,
    PRIMARY KEY (product_id, day, user_id)
);

CREATE TABLE rollup_user_month (
    product_id  text NOT NULL,
    month       date NOT NULL,
    user_id     text NOT NULL,
    active_days integer NOT NULL,
    events      integer NOT NULL,
    PRIMARY KEY (product_id, month, user_id)
);
CREATE INDEX rollup_user_month_user ON rollup_user_month (product_id, user_id, month);

CREATE TABLE rollup_action_month (
    product_id      text NOT NULL,
    month           date NOT NULL,
    action          text NOT NULL,
    events          bigint NOT NULL,
    succeeded_true  bigint NOT NULL,
    succeeded_false bigint NOT NULL,
    duration_count  bigint NOT NULL,
    duration_median double precision,
    PRIMARY KEY (product_id, month, action)
);

CREATE TABLE rollup_survey_month (
    product_id text NOT NULL,
    month      date NOT NULL,
    responses  integer NOT NULL,
    promoters  integer NOT NULL,
    passives   integer NOT NULL,
    detractors integer NOT NULL,
    PRIMARY KEY (product_id, month)
);

CREATE TABLE import_log (
    import_id   bigserial PRIMARY KEY,
    imported_at timestamptz NOT NULL DEFAULT now(),
    source      text NOT NULL,
    files       jsonb NOT NULL
);
