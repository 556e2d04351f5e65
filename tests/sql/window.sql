-- Window functions, CTEs, joins, range FILL variants, full-text matches(), unnest and approximate percentiles.
CREATE TABLE req (svc STRING, region STRING, latency DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (svc, region));

INSERT INTO req VALUES
  ('api', 'eu', 120.0, 0), ('api', 'eu', 80.0, 5000), ('api', 'eu', 200.0, 20000),
  ('api', 'us', 90.0, 0), ('api', 'us', 110.0, 10000),
  ('db', 'eu', 15.0, 0), ('db', 'eu', 25.0, 15000), ('db', 'us', NULL, 5000);

SELECT svc, region, ts, latency, row_number() OVER (PARTITION BY svc ORDER BY ts, region) AS rn FROM req ORDER BY svc, rn;

SELECT svc, latency, rank() OVER (ORDER BY latency DESC) AS r, dense_rank() OVER (ORDER BY latency DESC) AS dr FROM req WHERE latency IS NOT NULL ORDER BY r, svc;

SELECT svc, region, ts, lag(latency) OVER (PARTITION BY svc, region ORDER BY ts) AS prev, lead(latency, 1, 0) OVER (PARTITION BY svc, region ORDER BY ts) AS next FROM req ORDER BY svc, region, ts;

SELECT svc, ts, sum(latency) OVER (PARTITION BY svc ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM req WHERE region = 'eu' ORDER BY svc, ts;

SELECT svc, region, avg(latency) OVER (PARTITION BY svc) AS svc_avg FROM req ORDER BY svc, region, ts;

WITH per_svc AS (SELECT svc, max(latency) AS worst FROM req GROUP BY svc), slow AS (SELECT svc FROM per_svc WHERE worst > 100) SELECT * FROM slow ORDER BY svc;

WITH totals (s, n) AS (SELECT svc, count(*) FROM req GROUP BY svc) SELECT s, n FROM totals ORDER BY n DESC, s;

CREATE TABLE owners (svc STRING, team STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY (svc));

INSERT INTO owners VALUES ('api', 'web', 0), ('cache', 'infra', 0);

SELECT r.svc, o.team, count(*) FROM req r LEFT JOIN owners o ON r.svc = o.svc GROUP BY r.svc, o.team ORDER BY r.svc;

SELECT o.svc, o.team, r.region FROM owners o LEFT JOIN req r USING (svc) WHERE r.region IS NULL OR r.region = 'us' ORDER BY o.svc, r.region;

SELECT svc, team FROM owners WHERE svc IN (SELECT svc FROM req WHERE latency > 100) ORDER BY svc;

SELECT ts, svc, region, min(latency) RANGE '10s' FROM req ALIGN '5s' BY (svc, region) ORDER BY svc, region, ts;

SELECT ts, svc, min(latency) RANGE '5s' FILL NULL FROM req WHERE svc = 'api' ALIGN '5s' BY (svc) ORDER BY ts;

SELECT ts, svc, min(latency) RANGE '5s' FILL PREV FROM req WHERE svc = 'api' ALIGN '5s' BY (svc) ORDER BY ts;

SELECT ts, svc, min(latency) RANGE '5s' FILL LINEAR FROM req WHERE svc = 'api' ALIGN '5s' BY (svc) ORDER BY ts;

SELECT ts, svc, min(latency) RANGE '5s' FILL 0 FROM req WHERE svc = 'api' ALIGN '5s' BY (svc) ORDER BY ts;

SELECT ts, svc, count(DISTINCT region) RANGE '20s' FROM req ALIGN '20s' BY (svc) ORDER BY svc, ts;

CREATE TABLE notes (ts TIMESTAMP TIME INDEX, body STRING);

INSERT INTO notes VALUES (1, 'disk full on node a'), (2, 'node b restarted'), (3, 'disk replaced on node b'), (4, 'all good');

SELECT body FROM notes WHERE matches(body, 'disk AND -full') ORDER BY ts;

SELECT body FROM notes WHERE matches(body, '"node b" OR good') ORDER BY ts;

SELECT body FROM notes WHERE matches(body, '+node -(disk full)') ORDER BY ts;

SELECT unnest([1, 2, 3]) AS x, unnest([10, 20]) AS y;

SELECT approx_percentile_cont(0.5) WITHIN GROUP (ORDER BY latency), approx_median(latency), median(latency) FROM req;

SELECT count(*), sum(number) FROM numbers;
