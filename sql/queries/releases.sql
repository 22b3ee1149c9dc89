-- Releases of a product and their rollouts by segment (DESIGN section 4, "Releases").

-- name: releases_in_range
-- Releases of the selection whose month lies in the range, oldest first; :product_id NULL means every product.
SELECT product_id, release_id, released_on, title, kind
FROM releases
WHERE released_on >= CAST(:month_from AS date)
  AND released_on < CAST(:month_to AS date) + interval '1 month'
  AND (CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text))
ORDER BY product_id, released_on, release_id;

-- name: rollouts_of_selection
-- Rollouts (which segment got which release when) of the selection's releases.
SELECT product_id, release_id, attribute, value, rolled_out_on
FROM rollouts
WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
ORDER BY product_id, release_id, rolled_out_on, attribute, value;
