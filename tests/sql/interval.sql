-- INTERVAL columns: stored as months, days and nanoseconds apart; typed IntervalMonthDayNano
CREATE TABLE waits (ts TIMESTAMP TIME INDEX, wait INTERVAL);

DESC TABLE waits;

INSERT INTO waits VALUES ('2024-01-31 00:00:00', INTERVAL '1 month'), ('2024-02-01 00:00:00', INTERVAL '36 hours'), ('2024-02-02 00:00:00', INTERVAL '1 day 12 hours'), ('2024-02-03 00:00:00', NULL), ('2024-02-04 00:00:00', INTERVAL '30 days');

-- text is not an interval value for the column
INSERT INTO waits VALUES ('2024-02-05 00:00:00', '2 hours');

SELECT ts, wait, ts + wait AS due, arrow_typeof(wait) FROM waits ORDER BY ts;

-- equal intervals group together; 36 hours and 1 day 12 hours are different month/day/nano parts
SELECT wait, count(*) FROM waits GROUP BY wait ORDER BY wait;

SELECT DISTINCT wait FROM waits WHERE wait IS NOT NULL ORDER BY wait;

SELECT ts FROM waits WHERE wait = INTERVAL '30 days';
