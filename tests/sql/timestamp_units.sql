-- Timestamps of four units: casts between units truncate toward zero, two units compare in the coarser one,
-- GreptimeDB's own cast spellings (TIMESTAMP without a precision, TIMESTAMP_S .. _NS) are named as arrow_cast,
-- and casts Arrow has no kernel for are refused whole.
CREATE TABLE readings (s TIMESTAMP_S, ms TIMESTAMP_MS, us TIMESTAMP_US, ns TIMESTAMP(9) TIME INDEX);

INSERT INTO readings VALUES
  ('2021-06-01 12:00:05', '2021-06-01 12:00:05.250', '2021-06-01 12:00:05.250750', '2021-06-01 12:00:05.250750500'),
  ('1969-12-31 23:59:58', '1969-12-31 23:59:58.999', '1969-12-31 23:59:58.999999', '1969-12-31 23:59:58.999999999');

SELECT ns::TIMESTAMP_S AS to_s, ns::TIMESTAMP_MS AS to_ms, ns::TIMESTAMP_US AS to_us, s::TIMESTAMP(9) AS widened FROM readings ORDER BY ns;

SELECT ns::TIMESTAMP, us::TIMESTAMP_SEC FROM readings ORDER BY ns;

SELECT ns = s, ms = s, us = ms, ns > s, ns = us FROM readings ORDER BY ns;

SELECT count(*) FROM readings WHERE ms = '2021-06-01 12:00:05'::TIMESTAMP_S;

SELECT '2021-06-01 12:00:05.9'::TIMESTAMP_MS = '2021-06-01 12:00:05'::TIMESTAMP_S, '2021-06-01 12:00:05.9'::TIMESTAMP_MS > '2021-06-01 12:00:05.8'::TIMESTAMP_US;

SELECT TIMESTAMP '2021-06-01 12:00:05.123456'::TIMESTAMP(3), TRY_CAST('2021-06-01 12:00:05.5' AS TIMESTAMP_S);

SELECT arrow_typeof(ns::TIMESTAMP), arrow_typeof(ns::TIMESTAMP(6)), arrow_typeof(s::TIMESTAMP_NS) FROM readings LIMIT 1;

SELECT true::TIMESTAMP;

SELECT TRY_CAST(false AS TIMESTAMP_MS);

SELECT ms::BOOLEAN FROM readings;

SELECT 1::INTERVAL;

SELECT X'00ff'::BIGINT;

SELECT true::INT, 0::BOOLEAN, ns::BIGINT FROM readings ORDER BY ns;

-- Text falls in the unit it lies in (floor), as GreptimeDB parses it; before 1970 that is the earlier second.
SELECT '1969-12-31 23:59:58.5'::TIMESTAMP_S, '1969-12-30 12:00:00'::TIMESTAMP::DATE;

INSERT INTO readings VALUES ('1969-12-31 23:59:57.5', '1969-12-31 23:59:57.0005', '1969-12-31 23:59:57.0000005', 0);

SELECT s, ms, us FROM readings WHERE ns = 0;

-- A date is a calendar day in every zone: the session's zone moves timestamps read from text, never dates.
SET time_zone = '+08:00';

CREATE TABLE days (d DATE, ts TIMESTAMP TIME INDEX);

INSERT INTO days VALUES ('2024-01-02', '2024-01-02 00:00:00');

SELECT d, ts, d = '2024-01-02', d = DATE '2024-01-02', '2024-01-02'::DATE, CAST('2024-01-02 23:30:00' AS DATE) FROM days;

SET time_zone = 'UTC';

-- Against a time index: text is compared as the instant it writes (to the nanosecond); a literal cast to another unit
-- meets the column in the coarser unit, as any two units do, and the scan's time bounds agree with both.
CREATE TABLE ticks (ts TIMESTAMP(0) TIME INDEX, v INT);

INSERT INTO ticks VALUES ('2026-06-02 03:49:59', 1), ('2026-06-02 03:50:00', 2), ('2026-06-02 03:50:01', 3);

SELECT v FROM ticks WHERE ts >= '2026-06-02 03:50:00.5' ORDER BY v;

SELECT v FROM ticks WHERE ts <= '2026-06-02 03:50:00.5' ORDER BY v;

SELECT v FROM ticks WHERE ts >= '2026-06-02 03:50:00.5'::TIMESTAMP_MS ORDER BY v;

SELECT v FROM ticks WHERE ts < '2026-06-02 03:50:00.5'::TIMESTAMP_MS ORDER BY v;

SELECT v FROM ticks WHERE ts = '2026-06-02 03:50:00.9'::TIMESTAMP_S ORDER BY v;

SELECT v FROM ticks WHERE ts BETWEEN '2026-06-02 03:49:59.5'::TIMESTAMP_US AND '2026-06-02 03:50:00.5'::TIMESTAMP_US ORDER BY v;

SELECT v FROM ticks WHERE ts < '2026-06-03'::DATE ORDER BY v;

-- a date or a timestamp plus a bare number has no kernel: refused at planning, types in Arrow's spelling
SELECT DATE '2020-01-01' + 1;

SELECT '2020-01-01 00:00:00'::TIMESTAMP_S - 1;
