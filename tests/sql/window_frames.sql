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
