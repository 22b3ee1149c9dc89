-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_041
-- Releases of a product and their rollouts by segment (which segment got a release when).
CREATE TABLE releases (
    product_id  text NOT NULL REFERENCES products ON DELETE CASCADE,
    release_id  text NOT NULL,
    released_on date NOT NULL,
    title       text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('launch', 'feature', 'fix', 'change', 'deprecation')),
    PRIMARY KEY (product_id, release_id)
);

CREATE TABLE rollouts (
    product_id    text NOT NULL,
    release_id    text NOT NULL,
    attribute     text NOT NULL CHECK (attribute IN ('org', 'team', 'job_family', 'location')),
    value         text NOT NULL,
    rolled_out_on date NOT NULL,
    PRIMARY KEY (product_id, release_id, attribute, value),
    FOREIGN KEY (product_id, release_id) REFERENCES releases ON DELETE CASCADE
);
