-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_030
-- The assumption min_survey_responses (the fewest survey answers a happiness value needs for a HEART score) may be stored; without a row the default (30) holds.
ALTER TABLE assumptions DROP CONSTRAINT assumptions_key_check;
ALTER TABLE assumptions ADD CONSTRAINT assumptions_key_check
    CHECK (key IN ('loaded_hourly_cost', 'currency', 'discount_rate', 'min_survey_responses'));
