CREATE TABLE t (g STRING, k STRING, x DOUBLE, i BIGINT, b BOOLEAN, ts TIMESTAMP TIME INDEX, PRIMARY KEY (g, k));

INSERT INTO t VALUES
  ('a', 'k1', 1.0, 1, true, 1000),
  ('a', 'k2', 2.0, 2, true, 2000),
  ('a', 'k3', 3.0, NULL, false, 3000),
  ('b', 'k1', 10.0, 4, NULL, 1000),
  ('b', 'k2', NULL, 4, true, 2000),
  ('c', 'k1', NULL, NULL, NULL, 1000);

SELECT count(*), count(x), count(i), count(DISTINCT i), count(1) FROM t;

SELECT g, sum(x), avg(x), min(x), max(x), sum(i), avg(i) FROM t GROUP BY g ORDER BY g;

SELECT g, stddev(x), stddev_pop(x), var_samp(x), var_pop(x) FROM t GROUP BY g ORDER BY g;

SELECT g, first_value(x ORDER BY ts), last_value(x ORDER BY ts), first_value(k), last_value(k) FROM t GROUP BY g ORDER BY g;

SELECT median(x), approx_median(x), approx_percentile_cont(x, 0.5), approx_distinct(g) FROM t;

SELECT g, string_agg(k, ',' ORDER BY k), array_agg(i ORDER BY i) FROM t GROUP BY g ORDER BY g;

SELECT bool_and(b), bool_or(b), bit_or(i), bit_and(i), bit_xor(i) FROM t;

SELECT corr(x, i), covar_samp(x, i), covar_pop(x, i), regr_slope(x, i) FROM t;

SELECT g, count(*) AS c FROM t GROUP BY g HAVING count(*) > 1 ORDER BY c DESC, g;

SELECT g, count(*) FILTER (WHERE x > 1) FROM t GROUP BY g ORDER BY g;

SELECT g AS grp, sum(x) * 2 AS s2 FROM t GROUP BY grp ORDER BY grp;

SELECT g, sum(x) FROM t GROUP BY 1 ORDER BY 2 DESC NULLS LAST;

SELECT i % 2 AS parity, count(*) FROM t GROUP BY i % 2 ORDER BY parity NULLS FIRST;

SELECT date_bin(INTERVAL '2 seconds', ts) AS w, count(*) FROM t GROUP BY w ORDER BY w;

SELECT g, k FROM t GROUP BY g;

SELECT sum(g) FROM t;

SELECT max(sum(x)) FROM t;

SELECT count(*) FROM t WHERE x > 100;

SELECT g, count(*) FROM t WHERE x > 100 GROUP BY g;

SELECT sum(x) FROM t WHERE x > 100;

-- sketches: a state per group, kept in a BINARY column, merged and finalized later
CREATE TABLE visits (ts TIMESTAMP TIME INDEX, page STRING PRIMARY KEY, visitor STRING, latency DOUBLE);

INSERT INTO visits VALUES (1, 'home', 'ann', 12.5), (2, 'home', 'bob', 40), (3, 'home', 'ann', 7), (4, 'docs', 'cy', 300), (5, 'docs', 'dee', 0), (6, 'docs', 'ann', 55);

SELECT page, hll_count(hll(visitor)) AS visitors FROM visits GROUP BY page ORDER BY page;

SELECT uddsketch_calc(0.5, uddsketch_state(64, 0.05, latency)) AS p50, uddsketch_calc(0.99, uddsketch_state(64, 0.05, latency)) AS p99 FROM visits;

CREATE TABLE visit_states (ts TIMESTAMP TIME INDEX, page STRING PRIMARY KEY, who BINARY, lat BINARY);

INSERT INTO visit_states SELECT 0, page, hll(visitor), uddsketch_state(64, 0.05, latency) FROM visits GROUP BY page;

SELECT hll_count(hll_merge(who)) AS visitors, uddsketch_calc(0.5, uddsketch_merge(64, 0.05, lat)) AS p50 FROM visit_states;

-- states of other parameters do not merge
SELECT uddsketch_calc(0.5, uddsketch_merge(32, 0.05, lat)) FROM visit_states;

-- an expression on top of an aggregate is evaluated: casts, arithmetic, functions
SELECT max(x)::string, CAST(max(x) AS STRING), arrow_typeof(max(x)::string), arrow_typeof(CAST(min(i) AS STRING)) FROM t;

SELECT g, max(i)::string AS s, CAST(sum(x) AS BIGINT) AS si, arrow_typeof(count(*)::double) AS ct, max(x) + 1, abs(min(x) - 5) FROM t GROUP BY g ORDER BY g;

SELECT g, max(ts)::bigint, CAST(min(ts) AS STRING) FROM t GROUP BY g HAVING CAST(max(x) AS STRING) IS NOT NULL ORDER BY g;

-- aggregates keep their input's 64-bit types: min/max/first/last of Int64 stay Int64, of timestamps stay timestamps
SELECT arrow_typeof(max(i)), arrow_typeof(min(i)), arrow_typeof(sum(i)), arrow_typeof(first_value(i ORDER BY ts)), arrow_typeof(max(ts)), arrow_typeof(avg(i)), arrow_typeof(count(i)) FROM t;

-- grouping sets: ROLLUP, CUBE and GROUPING SETS give each set's groups, keys outside the set NULL; GROUPING() marks them
CREATE TABLE shop (ts TIMESTAMP TIME INDEX, region STRING, city STRING, units INT);

INSERT INTO shop VALUES (1, 'eu', 'paris', 3), (2, 'eu', 'rome', 5), (3, 'us', 'nyc', 7), (4, 'eu', 'paris', 1);

SELECT region, city, sum(units), grouping(region), grouping(city), grouping(region, city) FROM shop GROUP BY ROLLUP (region, city) ORDER BY region NULLS LAST, city NULLS LAST;

SELECT region, city, sum(units) FROM shop GROUP BY CUBE (region, city) ORDER BY region NULLS LAST, city NULLS LAST;

SELECT region, city, count(*) FROM shop GROUP BY GROUPING SETS ((region), (city), ()) ORDER BY region NULLS LAST, city NULLS LAST;

SELECT region, city, sum(units) FROM shop GROUP BY region, ROLLUP (city) HAVING sum(units) > 4 ORDER BY region, city NULLS LAST;

SELECT upper(region) AS r, count(*) FROM shop WHERE units > 100 GROUP BY ROLLUP (upper(region));

-- MySQL's names: std is stddev_pop and variance is var_pop (var stays the sample variance)
SELECT std(x), variance(x), var(x), stddev(x) FROM (VALUES (2.0), (4.0), (9.0)) AS t(x);

-- count_hash: the number of distinct values (one argument only)
SELECT count_hash(x), count(DISTINCT x) FROM (VALUES (1), (1), (2), (NULL)) AS t(x);

SELECT count_hash(x, x) FROM (VALUES (1)) AS t(x);

-- Welford states: fold values per group, keep the states in a table, merge them later; the merged standard deviation
-- is the one over all the values (population)
CREATE TABLE wf_raw(k STRING PRIMARY KEY, x DOUBLE, ts TIMESTAMP TIME INDEX);

INSERT INTO wf_raw VALUES ('a', 1, 1), ('a', 2, 2), ('b', 4, 3), ('b', 8, 4), ('b', NULL, 5);

CREATE TABLE wf_states(k STRING PRIMARY KEY, st BINARY, ts TIMESTAMP TIME INDEX);

INSERT INTO wf_states SELECT k, welford_state(x), 0 FROM wf_raw GROUP BY k;

SELECT k, round(welford_stddev(st), 6) FROM wf_states ORDER BY k;

SELECT round(welford_stddev(welford_merge(st)), 6) FROM wf_states;

SELECT round(stddev_pop(x), 6) FROM wf_raw;

SELECT welford_stddev(welford_state(x)) FROM wf_raw WHERE x > 100;

DROP TABLE wf_states;

DROP TABLE wf_raw;

SELECT approx_distinct(NULL);

SELECT approx_distinct(CAST('2024-01-01' AS DATE));

-- Two aggregates whose headers are alike (a cast is transparent in a header) are still two aggregates with two results.
CREATE TABLE near (ts TIMESTAMP TIME INDEX, d DECIMAL(10, 2));

INSERT INTO near VALUES (1, 1.10), (2, 1.1), (3, 1.5), (4, 2.50), (5, 3.75);

SELECT sum(d), sum(CAST(d AS BIGINT)), max(d), max(CAST(d AS DOUBLE)) FROM near;

SELECT count(DISTINCT d), count(DISTINCT CAST(d AS BIGINT)) FROM near;

SELECT CAST(d AS STRING) AS k, count(*) FROM near GROUP BY k ORDER BY k;
