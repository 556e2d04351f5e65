-- IF(cond, a, b), the session user, distance names without vec_, one-argument aggregates
CREATE TABLE stock (ts TIMESTAMP TIME INDEX, item STRING PRIMARY KEY, qty INT, pos VECTOR(2));

INSERT INTO stock VALUES (1, 'bolt', 0, '[1.0, 0.0]'), (2, 'nut', 12, '[0.0, 2.0]'), (3, 'gear', NULL, '[3.0, 4.0]');

-- NULL and zero conditions take the else branch; the branches share one type
SELECT item, IF(qty > 0, 'in stock', 'reorder') AS state, IF(qty, qty, -1) AS q, IF(qty > 5, 1, 0.5) AS w FROM stock ORDER BY item;

SELECT IF(1, 2);

SELECT user(), current_user(), session_user(), system_user();

SELECT item, dot_product(pos, '[1.0, 1.0]') AS dp, round(cos_distance(pos, '[1.0, 0.0]'), 3) AS cd, l2sq_distance(pos, '[0.0, 0.0]') AS l2 FROM stock ORDER BY item;

SELECT SUM(qty, 1) FROM stock;

SELECT MAX(qty, 2) FROM stock;

SELECT SUM(qty), MAX(qty) FROM stock;
