CREATE TABLE host (ts TIMESTAMP(3) TIME INDEX, host STRING PRIMARY KEY, val BIGINT);

INSERT INTO host VALUES
  (0, 'host1', 0), (5000, 'host1', NULL), (10000, 'host1', 1), (15000, 'host1', NULL), (20000, 'host1', 2),
  (0, 'host2', 3), (5000, 'host2', NULL), (10000, 'host2', 4), (15000, 'host2', NULL), (20000, 'host2', 5);

SELECT ts, host, min(val) RANGE '5s' FROM host ALIGN '5s' ORDER BY host, ts;

SELECT ts, host, max(val) RANGE '10s', count(val) RANGE '10s' FROM host ALIGN '5s' ORDER BY host, ts;

SELECT ts, max(val) RANGE '5s' FROM host ALIGN '20s' BY () ORDER BY ts;

-- without BY the rows still group by the table's tags, shown or not: one row per host and window
SELECT ts, sum(val) RANGE '20s' FROM host ALIGN '10s' ORDER BY ts;

SELECT ts, length(host), max(val) RANGE '5s' FROM host ALIGN '20s' BY (length(host)) ORDER BY ts;

SELECT ts, host, min(val) RANGE '5s' FILL PREV FROM host ALIGN '5s' ORDER BY host, ts;

SELECT ts, host, min(val) RANGE '5s' FILL LINEAR FROM host ALIGN '5s' ORDER BY host, ts;

SELECT ts, host, min(val) RANGE '5s' FROM host ALIGN '5s' FILL 6 ORDER BY host, ts;

SELECT ts, host, sum(val) RANGE '10s' * 2 AS doubled FROM host ALIGN '10s' ORDER BY host, ts;

SELECT ts, host, avg(val) RANGE '20s' FROM host ALIGN '10s' TO '1970-01-01T00:00:05' ORDER BY host, ts;

SELECT ts, host, min(val) RANGE '5s' FROM host ALIGN '5s' WHERE host = 'host2' ORDER BY ts;

SELECT ts, host, min(val) FROM host ALIGN '5s';

SELECT ts, host, min(val) RANGE 'bogus' FROM host ALIGN '5s';
