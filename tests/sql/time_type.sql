-- TIME(p) is a column type of its own: a time of day in seconds, milliseconds, microseconds or nanoseconds
-- (GreptimeDB's TimeSecond .. TimeNanosecond). TIME alone is milliseconds in a column, nanoseconds in a cast.
CREATE TABLE shifts (crew STRING, starts TIME, ends TIME(0), lunch TIME(6), bell TIME(9), ts TIMESTAMP TIME INDEX, PRIMARY KEY (crew));

DESC shifts;

SHOW CREATE TABLE shifts;

-- text, a timestamp's time of day, a count of the column's units, NULL
INSERT INTO shifts VALUES
  ('red', '06:30:00.250', '14:30:59.9', '11:45:00.000125', '06:30:00.000000007', 1),
  ('blue', TIMESTAMP '2024-03-01 22:00:00.5', '06:00', '02:00:00', '22:00:00', 2),
  ('green', NULL, 50400, 43200000000, 1, 3);

SELECT crew, starts, ends, lunch, bell FROM shifts ORDER BY ts;

SELECT crew FROM shifts WHERE starts > '12:00' ORDER BY crew;

SELECT crew, ends FROM shifts WHERE ends BETWEEN '06:00:00' AND '15:00:00' ORDER BY ends;

SELECT crew FROM shifts WHERE starts < lunch ORDER BY crew;

SELECT min(starts), max(starts), min(bell), max(ends) FROM shifts;

SELECT crew, starts::STRING, ends::BIGINT, lunch::BIGINT, bell::BIGINT FROM shifts ORDER BY ts;

SELECT count(*), ends FROM shifts GROUP BY ends ORDER BY ends;

SELECT a.crew, b.crew FROM shifts a JOIN shifts b ON a.ends = b.ends ORDER BY a.crew;

-- casts: text, timestamps of every unit, another time (truncated to the unit)
SELECT TIME '23:59:59.999999999', '07:08'::TIME, CAST('2021-06-01 17:18:19.5' AS TIME(0)), arrow_typeof(TIME '01:00');

SELECT '2008-01-01 00:00:01.889268321'::TIMESTAMP_NS::TIME, '2008-01-01 00:00:01.889'::TIMESTAMP::TIME(3), '1969-12-31 23:00:00'::TIMESTAMP::TIME;

SELECT TIME '10:11:12.345678'::TIME(3), TIME '10:11:12.345678'::TIME(0), arrow_typeof(TIME '10:11:12'::TIME(6));

-- what is no time of day is refused: the hour 24, a minute of 60, a count beyond one day, a date, a boolean
SELECT '24:00:00'::TIME;

SELECT '12:60'::TIME;

SELECT TRY_CAST('12:60' AS TIME), TRY_CAST(86400 AS TIME(0));

SELECT CAST(86400 AS TIME(0));

SELECT DATE '2024-01-01'::TIME;

SELECT true::TIME;

-- a time of day is no instant: no cast to a timestamp, no comparison with one
SELECT TIME '10:00'::TIMESTAMP;

SELECT TIMESTAMP '2024-01-01 10:00:00' = TIME '10:00';

INSERT INTO shifts VALUES ('grey', '25:00', NULL, NULL, NULL, 4);

-- a time of day cannot be the time index
CREATE TABLE bad_index (t TIME TIME INDEX, v DOUBLE);

DROP TABLE shifts;

-- a time moves by an interval's sub-day part and wraps around midnight (PostgreSQL's time + interval)
SELECT TIME '23:30' + INTERVAL '45 minutes', TIME '00:10:00.5' - INTERVAL '20 minutes', TIME '08:00' + INTERVAL '1 day 1 second';

SELECT TIME '10:00' - TIME '08:30:00.25';

SELECT TIME '10:00' - TIMESTAMP '2024-01-01 08:00:00';

SELECT arrow_typeof(current_time()), current_time() >= TIME '00:00', current_time() <= '23:59:59.999999999';

-- a TIME column keeps being a time: no type change to or from one (other than between TIME precisions)
CREATE TABLE alarms (ts TIMESTAMP TIME INDEX, at TIME DEFAULT '07:15', label STRING);

INSERT INTO alarms (ts, label) VALUES (1, 'weekday');

ALTER TABLE alarms MODIFY COLUMN at STRING;

ALTER TABLE alarms MODIFY COLUMN label TIME;

ALTER TABLE alarms MODIFY COLUMN at TIME(0);

SELECT at, label FROM alarms;

DROP TABLE alarms;

-- arrow_cast names the four time types as Arrow lays them out (Time32: s, ms; Time64: us, ns)
SELECT arrow_cast('01:02:03.456789', 'Time32(Millisecond)'), arrow_cast(3723, 'Time32(Second)'), arrow_typeof(arrow_cast('01:02', 'Time64(Microsecond)'));

SELECT arrow_cast('01:02:03', 'Time32(Nanosecond)');
