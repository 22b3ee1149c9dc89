-- A migration is never edited after it has shipped: add a new one instead.

-- name: migration_003
-- Per product and month: active users, active days and users retained from the month before, so pages read a few hundred rows instead of joining every user-month.
CREATE TABLE rollup_product_month (
    product_id     text NOT NULL,
    month          date NOT NULL,
    active_users   integer NOT NULL,
    active_days    integer NOT NULL,
    retained_users integer NOT NULL,
    PRIMARY KEY (product_id, month)
);
INSERT INTO rollup_product_month (product_id, month, active_users, active_days, retained_users)
SELECT cur.product_id, cur.month, count(*), sum(cur.active_days), count(prev.user_id)
FROM rollup_user_month cur
LEFT JOIN rollup_user_month prev
  ON prev.product_id = cur.product_id AND prev.user_id = cur.user_id
 AND prev.month = (cur.month - interval '1 month')::date
GROUP BY 1, 2;
