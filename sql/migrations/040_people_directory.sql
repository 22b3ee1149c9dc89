-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_040
-- The people directory, eligibility rules per product, per user outcomes and the per product, segment and month rollup behind the Adoption page and the segment filter.
CREATE TABLE people (
    user_id    text PRIMARY KEY,
    org        text NOT NULL,
    team       text NOT NULL,
    job_family text NOT NULL,
    location   text NOT NULL,
    started_on date,
    left_on    date,
    CHECK (left_on IS NULL OR started_on IS NULL OR left_on >= started_on)
);

CREATE TABLE eligibility (
    product_id text NOT NULL REFERENCES products ON DELETE CASCADE,
    attribute  text NOT NULL CHECK (attribute IN ('org', 'team', 'job_family', 'location')),
    value      text NOT NULL,
    PRIMARY KEY (product_id, attribute, value)
);

-- Every person of the directory once per attribute (org, team, job_family, location).
CREATE VIEW people_segments AS
SELECT p.user_id, a.attribute, a.value, p.started_on, p.left_on
FROM people p
CROSS JOIN LATERAL (
    VALUES ('org', p.org), ('team', p.team), ('job_family', p.job_family), ('location', p.location)
) AS a (attribute, value);

-- The people matching any eligibility rule of a product (employment dates decide the month).
CREATE VIEW eligible_people AS
SELECT DISTINCT r.product_id, s.user_id, s.started_on, s.left_on
FROM eligibility r
JOIN people_segments s ON s.attribute = r.attribute AND s.value = r.value;

-- Per product, month, user and action: events and outcomes (for task success and the
-- funnel's "tried" step by segment).
CREATE TABLE rollup_user_action_month (
    product_id      text NOT NULL,
    month           date NOT NULL,
    user_id         text NOT NULL,
    action          text NOT NULL,
    events          integer NOT NULL,
    succeeded_true  integer NOT NULL,
    succeeded_false integer NOT NULL,
    PRIMARY KEY (product_id, month, user_id, action)
);

-- Per product, month and segment (attribute, value; 'unknown' for users outside the
-- directory). eligible is NULL for a product without eligibility rules; the funnel
-- counts (reached, tried, funnel_active, habitual) are over the eligible people when the
-- product has rules and over every user otherwise.
CREATE TABLE rollup_segment_month (
    product_id        text NOT NULL,
    month             date NOT NULL,
    attribute         text NOT NULL,
    value             text NOT NULL,
    eligible          integer,
    active_users      integer NOT NULL,
    active_eligible   integer NOT NULL,
    active_days       integer NOT NULL,
    prev_active_users integer NOT NULL,
    retained_users    integer NOT NULL,
    succeeded_true    bigint NOT NULL,
    succeeded_known   bigint NOT NULL,
    responses         integer NOT NULL,
    promoters         integer NOT NULL,
    detractors        integer NOT NULL,
    reached           integer NOT NULL,
    tried             integer NOT NULL,
    funnel_active     integer NOT NULL,
    habitual          integer NOT NULL,
    PRIMARY KEY (product_id, attribute, value, month)
);
CREATE INDEX rollup_segment_month_month ON rollup_segment_month (product_id, month);
