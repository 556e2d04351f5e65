-- Value window functions: lag / lead offsets and defaults, IGNORE NULLS, nth_value from either end, ntile buckets,
-- GROUPS frames, and the errors of their constant arguments.
CREATE TABLE wv (ts TIMESTAMP TIME INDEX, id INT, grp STRING, val INT, PRIMARY KEY (id));

INSERT INTO wv VALUES (1000, 1, 'a', 100), (2000, 2, 'a', NULL), (3000, 3, 'a', 300), (4000, 4, 'b', NULL), (5000, 5, 'b', 500), (6000, 6, 'b', 500);

SELECT id, val, lag(val) OVER (ORDER BY id) AS l1, lag(val, 2, -1) OVER (ORDER BY id) AS l2, lead(val, -1) OVER (ORDER BY id) AS lm1, lead(val, 3) OVER (PARTITION BY grp ORDER BY id) AS p3 FROM wv ORDER BY id;

SELECT id, val, lag(val) IGNORE NULLS OVER (ORDER BY id) AS li, lead(val) IGNORE NULLS OVER (ORDER BY id) AS ni, lead(val, 2) IGNORE NULLS OVER (ORDER BY id) AS n2, lag(val RESPECT NULLS) OVER (ORDER BY id) AS lr FROM wv ORDER BY id;

SELECT id, first_value(val) IGNORE NULLS OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING) AS fi, last_value(val) IGNORE NULLS OVER (ORDER BY id) AS la, nth_value(val, 2) IGNORE NULLS OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n2 FROM wv ORDER BY id;

SELECT id, nth_value(id, -1) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) AS last_but, nth_value(id, 3) OVER (ORDER BY id) AS third FROM wv ORDER BY id;

SELECT id, ntile(4) OVER (ORDER BY id) AS q4, ntile(10) OVER (ORDER BY id) AS q10, ntile(2) OVER (PARTITION BY grp ORDER BY id) AS half FROM wv ORDER BY id;

SELECT id, val, sum(id) OVER (ORDER BY val GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS g1, count(*) OVER (ORDER BY val GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS g2, min(id) OVER (ORDER BY val GROUPS BETWEEN 5 PRECEDING AND 3 PRECEDING) AS far FROM wv ORDER BY id;

SELECT ntile(0) OVER (ORDER BY id) FROM wv;

SELECT nth_value(val, 0) OVER (ORDER BY id) FROM wv;

SELECT lag(val, 1, 'x') OVER (ORDER BY id) FROM wv;

SELECT lag(val, 1, 2, 3) OVER (ORDER BY id) FROM wv;

SELECT lead(val, 1.5) OVER (ORDER BY id) FROM wv;

DROP TABLE wv;
