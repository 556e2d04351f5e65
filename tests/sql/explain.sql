-- EXPLAIN shows the operator tree and what each region scan is asked for:
-- time range, tag filters, projection and limit pushed into the scan.
CREATE TABLE cpu (host STRING, dc STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host, dc));

INSERT INTO cpu VALUES
  ('a', 'east', 10.0, '2024-01-01 00:00:00'),
  ('a', 'east', 20.0, '2024-01-01 00:01:00'),
  ('b', 'west', 30.0, '2024-01-01 00:00:00'),
  ('b', 'west', 40.0, '2024-01-01 00:02:00'),
  ('c', 'east', 50.0, '2024-01-01 00:03:00');

EXPLAIN SELECT * FROM cpu;

EXPLAIN SELECT host, usage FROM cpu WHERE ts >= '2024-01-01 00:01:00' AND ts < '2024-01-01 00:03:00';

EXPLAIN SELECT host, avg(usage) FROM cpu WHERE host IN ('a', 'b') AND dc = 'east' GROUP BY host ORDER BY host;

EXPLAIN SELECT host FROM cpu LIMIT 2;

EXPLAIN SELECT host FROM cpu WHERE usage > 15 LIMIT 2;

EXPLAIN SELECT ts, host, max(usage) RANGE '2m' FILL PREV FROM cpu ALIGN '1m' BY (host) ORDER BY host, ts;

EXPLAIN WITH hot AS (SELECT host, usage FROM cpu WHERE usage > 25) SELECT c.host, h.usage FROM cpu c JOIN hot h ON c.host = h.host;

EXPLAIN SELECT * FROM information_schema.tables;

EXPLAIN INSERT INTO cpu VALUES ('d', 'west', 1.0, 0);

EXPLAIN ANALYZE SELECT host, count(*) FROM cpu WHERE ts >= '2024-01-01 00:01:00' GROUP BY host ORDER BY host;

EXPLAIN ANALYZE SELECT * FROM cpu WHERE host = 'a' LIMIT 1;

EXPLAIN SELECT nope FROM cpu;
