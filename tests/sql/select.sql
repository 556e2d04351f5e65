CREATE TABLE m (host STRING, dc STRING, v DOUBLE, n BIGINT, s STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host, dc));

INSERT INTO m VALUES
  ('h1', 'a', 1.0, 10, 'x', '2024-01-01 00:00:00'),
  ('h1', 'a', 2.5, 20, 'y', '2024-01-01 00:01:00'),
  ('h1', 'b', NULL, 30, NULL, '2024-01-01 00:02:00'),
  ('h2', 'a', 4.0, NULL, 'z', '2024-01-01 00:00:30'),
  ('h2', 'b', -1.5, 50, 'xy', '2024-01-01 00:03:00'),
  ('h3', NULL, 7.25, 60, 'Yz', '2024-01-01 00:04:00');

INSERT INTO m VALUES ('h1', 'a', 9.0, 11, 'x2', '2024-01-01 00:00:00');

SELECT * FROM m ORDER BY ts;

SELECT host, v FROM m WHERE v > 1 AND host != 'h2' ORDER BY v DESC;

SELECT host, v FROM m WHERE v IS NULL OR n IS NULL;

SELECT DISTINCT host FROM m ORDER BY host;

SELECT DISTINCT dc FROM m ORDER BY dc NULLS FIRST;

SELECT host, dc FROM m ORDER BY dc DESC NULLS LAST, host;

SELECT host, n FROM m ORDER BY n NULLS FIRST LIMIT 3;

SELECT host, n FROM m ORDER BY 2 DESC LIMIT 2 OFFSET 1;

SELECT host AS h, v * 2 AS dbl FROM m WHERE host IN ('h1', 'h3') ORDER BY dbl;

SELECT host FROM m WHERE host NOT IN ('h1') AND v BETWEEN 0 AND 10;

SELECT s FROM m WHERE s LIKE 'x%' ORDER BY s;

SELECT s FROM m WHERE s ILIKE 'y%' ORDER BY s;

SELECT n / 3, n % 7, -n, n + v FROM m WHERE host = 'h1' ORDER BY ts;

SELECT CASE WHEN v > 3 THEN 'big' WHEN v > 0 THEN 'small' ELSE 'neg' END AS size, host FROM m ORDER BY host, ts;

SELECT CAST(n AS DOUBLE), CAST(v AS BIGINT), CAST(n AS STRING), n::STRING FROM m WHERE host = 'h2' ORDER BY ts;

SELECT coalesce(s, 'none'), nullif(dc, 'a'), greatest(n, 25), least(v, 2) FROM m ORDER BY ts;

SELECT upper(s), lower(s), length(s), concat(host, '-', dc), substr(host, 2), replace(s, 'x', 'X') FROM m WHERE s IS NOT NULL ORDER BY ts;

SELECT trim('  a  '), ltrim('  a'), rtrim('a  '), lpad('7', 3, '0'), rpad('7', 3, '*'), reverse('abc'), split_part('a,b,c', ',', 2), strpos('hello', 'l');

SELECT abs(-2), ceil(1.2), floor(1.8), round(2.5), round(3.14159, 2), sqrt(16), power(2, 10), ln(1), log10(100), exp(0), pi();
SELECT trunc(104, -1), trunc(3.789, 2), trunc(-2.5), trunc(1999.5, -2)::INT;

SELECT 1, 1.5, 'str', true, NULL, 1 + 2 * 3, 7 / 2, 7.0 / 2, 7 % 3;

SELECT 1 / 0;

SELECT ts, date_trunc('hour', ts), date_bin(INTERVAL '2 minutes', ts), to_unixtime(ts) FROM m WHERE host = 'h2' ORDER BY ts;

SELECT ts + INTERVAL '1 day', ts - INTERVAL '30 seconds' FROM m WHERE host = 'h3';

SELECT extract(hour FROM ts), date_part('minute', ts) FROM m WHERE host = 'h3';

SELECT to_unixtime('2023-03-01T06:35:02Z'), to_unixtime('2023-03-01 08:00:00+0000');

SELECT * FROM m WHERE ts >= '2024-01-01 00:01:00' AND ts < '2024-01-01 00:03:00' ORDER BY ts;

SELECT * FROM m WHERE ts > 1704067380000;

SELECT host FROM m WHERE ts BETWEEN '2024-01-01 00:00:00' AND '2024-01-01 00:00:30' ORDER BY host;

SELECT t.host, t.v FROM m AS t WHERE t.dc = 'b' ORDER BY t.host;

SELECT x.h, x.total FROM (SELECT host AS h, sum(v) AS total FROM m GROUP BY host) AS x WHERE x.total > 5 ORDER BY x.h;

WITH hv AS (SELECT host, max(v) AS mv FROM m GROUP BY host) SELECT * FROM hv ORDER BY mv DESC;

SELECT host FROM m WHERE v = (SELECT max(v) FROM m);

SELECT host, v FROM m WHERE host IN (SELECT host FROM m WHERE dc = 'b') ORDER BY host, v;

SELECT host FROM m WHERE dc = 'a' UNION ALL SELECT host FROM m WHERE dc = 'b' ORDER BY host;

SELECT host FROM m WHERE dc = 'a' UNION SELECT host FROM m WHERE dc = 'b' ORDER BY host;

SELECT host, v, row_number() OVER (PARTITION BY host ORDER BY ts) AS rn FROM m ORDER BY host, rn;

SELECT host, v, sum(v) OVER (PARTITION BY host ORDER BY ts) AS running, rank() OVER (ORDER BY v DESC) AS r FROM m ORDER BY host, ts;

SELECT host, lag(v) OVER (PARTITION BY host ORDER BY ts), lead(v, 1, 0) OVER (PARTITION BY host ORDER BY ts) FROM m ORDER BY host, ts;

SELECT nope FROM m;

SELECT m.nope FROM m;

SELECT * FROM missing_table;

SELECT host, count(*) FROM m;

SELECT * FROM m LIMIT 0;

SELECT count(*) FROM m WHERE false;

SELECT 'a' || 'b', 'x' || NULL;

SELECT host FROM m WHERE s ~ '^x' ORDER BY host;

EXPLAIN SELECT * FROM m;

DELETE FROM m WHERE host = 'h3';

SELECT count(*) FROM m;

-- ORDER BY a column the projection does not name: the scan must still read it
CREATE TABLE ob (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host));

INSERT INTO ob VALUES ('a', 3, 1000), ('b', 1, 1000), ('c', 2, 1000);

SELECT host FROM ob ORDER BY v;

SELECT host FROM ob ORDER BY v DESC LIMIT 2;

-- a column named schema.table.column must name the table's own schema
SELECT public.ob.host FROM ob ORDER BY host LIMIT 1;

SELECT elsewhere.ob.host FROM ob;

-- a bare number is not text for a string column; quoted it is
INSERT INTO ob VALUES (42, 1, 2000);

INSERT INTO ob VALUES ('42', 1, 2000);

CREATE TABLE widths (ts TIMESTAMP TIME INDEX, a INT8, b TINYINT, c INT2);

DESCRIBE widths;

-- a view runs its query where it is used, so it sees rows written after it was created
CREATE VIEW busy AS SELECT host, v FROM ob WHERE v >= 2;

SELECT * FROM busy ORDER BY host;

INSERT INTO ob VALUES ('d', 9, 1000);

SELECT public.busy.host FROM busy ORDER BY host;

CREATE VIEW busy AS SELECT host FROM ob;

CREATE OR REPLACE VIEW busy (who) AS SELECT host FROM ob WHERE v > 5;

SELECT who FROM busy;

SHOW FULL TABLES;

SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('busy', 'ob') ORDER BY table_name;

DROP VIEW ob;

DROP VIEW busy;

DROP VIEW IF EXISTS busy;

SELECT * FROM busy;

SELECT number FROM numbers ORDER BY number DESC LIMIT NULL OFFSET 98;

SELECT number FROM numbers ORDER BY number DESC LIMIT 2 OFFSET NULL;

-- LIMIT / OFFSET take a scalar subquery (run before the query); more than one row, or a negative count, is an error
SELECT number FROM numbers ORDER BY number LIMIT (SELECT count(*) FROM numbers WHERE number < 3) OFFSET (SELECT min(number) + 1 FROM numbers);

SELECT number FROM numbers ORDER BY number LIMIT (SELECT 2) OFFSET (SELECT NULL);

SELECT number FROM numbers UNION ALL SELECT 1000 ORDER BY number DESC LIMIT (SELECT 1);

SELECT number FROM numbers LIMIT (SELECT number FROM numbers);

SELECT number FROM numbers LIMIT (SELECT -1);

-- LIMIT and OFFSET are typed as DataFusion types them: an integer or NULL, whatever the value
SELECT number FROM numbers LIMIT (SELECT max(ts) FROM m);

SELECT number FROM numbers LIMIT 1.5;

SELECT number FROM numbers OFFSET '1';

-- a CTE name given twice, and WITH RECURSIVE, are refused as DataFusion refuses them
WITH twice AS (SELECT 1), twice AS (SELECT 2) SELECT * FROM twice;

WITH RECURSIVE up (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM up WHERE n < 3) SELECT * FROM up;
