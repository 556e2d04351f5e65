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

-- Arrow's interval text spells every part; it and PostgreSQL / ISO 8601 text cast back to the same interval
SELECT INTERVAL '-1 year 2 days -3 hours 4.5 seconds', INTERVAL '-90 minutes', INTERVAL '1.5 months', INTERVAL '0 seconds';

SELECT CAST('0 years 14 mons 3 days 4 hours 5 mins 6.000100000 secs' AS INTERVAL) = INTERVAL '1 year 2 months 3 days 4 hours 5 minutes 6.0001 seconds', CAST('P1Y2M3DT4H5M6S' AS INTERVAL), CAST('-2 weeks 1.5 days' AS INTERVAL);

-- a clock time is no interval text for Arrow's parser
SELECT CAST('1 day 02:03:04' AS INTERVAL);

SELECT CAST(INTERVAL '2 hours 30 minutes' AS STRING), arrow_typeof(CAST(INTERVAL '1 day' AS STRING));

SELECT DATE '2024-01-31' + INTERVAL '1 month', DATE '2024-03-31' - INTERVAL '1 month 1 day', TIMESTAMP '2024-02-29 12:00:00' + INTERVAL '1 year', TIMESTAMP '2024-03-10 00:30:00' - INTERVAL '36 hours';

SELECT -INTERVAL '1 month 2 days 3 hours';
