-- Window frames by value (RANGE n PRECEDING / FOLLOWING over numbers, RANGE INTERVAL over timestamps), named windows
-- (WINDOW w AS ...), and GreptimeDB's anomaly scores over a frame: z-score, MAD and IQR.
CREATE TABLE latency(svc STRING PRIMARY KEY, ms DOUBLE, ts TIMESTAMP TIME INDEX);

INSERT INTO latency VALUES ('api', 20, '2025-03-01 10:00:00'), ('api', 22, '2025-03-01 10:00:30'), ('api', 21, '2025-03-01 10:02:00'), ('api', 90, '2025-03-01 10:03:00'), ('api', 23, '2025-03-01 10:03:30'), ('db', 5, '2025-03-01 10:00:00'), ('db', 5, '2025-03-01 10:01:00'), ('db', 5, '2025-03-01 10:02:00'), ('db', NULL, '2025-03-01 10:03:00');

-- the frame reaches back one minute of time (rows at exactly one minute included)
SELECT svc, ts, count(ms) OVER (PARTITION BY svc ORDER BY ts RANGE INTERVAL '1 minute' PRECEDING) AS n, sum(ms) OVER (PARTITION BY svc ORDER BY ts RANGE BETWEEN INTERVAL '1 minute' PRECEDING AND INTERVAL '30 seconds' FOLLOWING) AS s FROM latency ORDER BY svc, ts;

-- over a numeric key, and descending: PRECEDING means larger keys then
SELECT ms, count(*) OVER (ORDER BY ms RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS near, count(*) OVER (ORDER BY ms DESC RANGE 3 PRECEDING) AS above FROM latency WHERE svc = 'api' ORDER BY ms;

SELECT count(*) OVER (ORDER BY ms, ts RANGE 2 PRECEDING) FROM latency;

SELECT svc, ts, ROUND(anomaly_score_zscore(ms) OVER w, 3) AS z, ROUND(anomaly_score_mad(ms) OVER w, 3) AS mad, ROUND(anomaly_score_iqr(ms, 1.5) OVER w, 3) AS iqr FROM latency WINDOW w AS (PARTITION BY svc ORDER BY ts) ORDER BY svc, ts;

-- a named window refined by its user: same partitioning and order, its own frame
SELECT ts, ROUND(anomaly_score_zscore(ms) OVER (w ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), 3) AS z3 FROM latency WHERE svc = 'api' WINDOW w AS (PARTITION BY svc ORDER BY ts) ORDER BY ts;

SELECT anomaly_score_zscore(ms) FROM latency;

SELECT ms FROM latency WINDOW w AS (ORDER BY ts), w AS (ORDER BY ms);

DROP TABLE latency;

-- EXCLUDE (PostgreSQL's frame exclusion): CURRENT ROW leaves the row out of its own frame, GROUP its ORDER BY peers
-- with it, TIES the peers but not the row; NO OTHERS is the default
CREATE TABLE scores (team STRING, pts INT, ts TIMESTAMP TIME INDEX, PRIMARY KEY (team));

INSERT INTO scores VALUES ('a', 1, 1000), ('b', 2, 2000), ('c', 2, 3000), ('d', 3, 4000), ('e', NULL, 5000);

SELECT team, pts,
  sum(pts) OVER (ORDER BY pts, team ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS neighbours,
  sum(pts) OVER (ORDER BY pts RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS others,
  sum(pts) OVER (ORDER BY pts RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) AS no_ties,
  count(*) OVER (ORDER BY pts GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE NO OTHERS) AS near_groups
FROM scores ORDER BY pts, team;

-- a frame that only held the current row is empty once it is excluded
SELECT team, max(pts) OVER (ORDER BY ts ROWS CURRENT ROW EXCLUDE CURRENT ROW) AS none_left, last_value(team) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS previous FROM scores ORDER BY ts;

SELECT sum(pts) OVER (ORDER BY pts ROWS UNBOUNDED PRECEDING EXCLUDE SOMETHING) FROM scores;
