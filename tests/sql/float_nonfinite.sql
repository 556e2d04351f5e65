-- NaN and the infinities: one value each in grouping, partitions and joins; NaN above +inf in ordering and in
-- max; arithmetic as IEEE; text casts both ways.
CREATE TABLE probes (ts TIMESTAMP TIME INDEX, x DOUBLE, y FLOAT, n INT);

INSERT INTO probes VALUES (1, 'inf', 'inf', 1), (2, '-inf', '-inf', 2), (3, 'NaN', 'NaN', 3), (4, 'nan', 'nan', 4), (5, 2.5, 2.5, 5), (6, NULL, NULL, 6), (7, '-Infinity', '-inf', 7);

SELECT x, sum(n), count(*) FROM probes GROUP BY x ORDER BY x;

SELECT y, sum(n) FROM probes GROUP BY y ORDER BY y DESC;

SELECT x, n, sum(n) OVER (PARTITION BY x ORDER BY n) FROM probes ORDER BY x, n;

SELECT min(x), max(x), min(y), max(y) FROM probes;

SELECT min(x), max(x), sum(x), avg(x) FROM probes WHERE x < 'inf'::DOUBLE;

SELECT sum(x) FROM probes WHERE x > 0;

SELECT a.n, b.n FROM probes a JOIN probes b ON a.x = b.x WHERE a.n < b.n ORDER BY a.n, b.n;

SELECT n FROM probes WHERE x >= 'inf'::DOUBLE ORDER BY n;

SELECT n, x = x, x <> 'NaN'::DOUBLE, x IS NULL FROM probes ORDER BY n;

SELECT 'inf'::DOUBLE - 'inf'::DOUBLE, 'inf'::DOUBLE * 0, -('inf'::FLOAT), 1 / 'inf'::DOUBLE, 'nan'::DOUBLE % 2;

SELECT CAST('Infinity' AS DOUBLE), CAST('-inf' AS FLOAT), CAST('NAN' AS DOUBLE), CAST(CAST('inf' AS FLOAT) AS DOUBLE), CAST(CAST('-inf' AS DOUBLE) AS FLOAT);

SELECT CAST(x AS VARCHAR), CAST(y AS STRING) FROM probes ORDER BY n;

SELECT CAST('inf'::DOUBLE AS BIGINT);

SELECT CAST('nan'::DOUBLE AS DECIMAL(10, 2));
