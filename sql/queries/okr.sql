-- OKR ladder-up: objectives, key results, measurements and the links from product metrics.

-- name: metric_links_for
-- Links from the selected products' metrics to key results, with the key result's title.
SELECT l.product_id, l.metric, l.kr_id, l.evidence, l.note, k.title AS kr_title, k.objective_id
FROM metric_links l JOIN key_results k USING (kr_id)
WHERE CAST(:product_id AS text) IS NULL OR l.product_id = CAST(:product_id AS text)
ORDER BY l.product_id, l.kr_id, l.metric;

-- name: kr_measurements_for_links
-- Monthly measurements of the key results the selected products link to.
SELECT m.kr_id, m.month, m.value
FROM kr_measurements m
WHERE m.kr_id IN (
    SELECT kr_id FROM metric_links
    WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
)
ORDER BY m.kr_id, m.month;

-- name: product_active_span
-- Per product, the first and last month holding any usage event.
SELECT product_id, min(month) AS first_month, max(month) AS last_month
FROM rollup_product_month
WHERE CAST(:product_id AS text) IS NULL OR product_id = CAST(:product_id AS text)
GROUP BY product_id;

-- name: objectives_all
-- The objective tree.
SELECT objective_id, title, level, parent_id, period FROM objectives ORDER BY level, objective_id;

-- name: key_results_all
-- Key results with their latest measurement.
SELECT k.kr_id, k.objective_id, k.title, k.unit, k.baseline, k.target,
       latest.month AS latest_month, latest.value AS latest_value
FROM key_results k
LEFT JOIN LATERAL (
    SELECT month, value FROM kr_measurements m WHERE m.kr_id = k.kr_id ORDER BY month DESC LIMIT 1
) latest ON true
ORDER BY k.objective_id, k.kr_id;

-- name: kr_measurements_all
-- Every key result's monthly measurements, in month order (the trend beside each KR).
SELECT kr_id, month, value FROM kr_measurements ORDER BY kr_id, month;
