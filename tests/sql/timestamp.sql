-- Timestamp text: calendar checks, literal precision, TIMESTAMPTZ spelling
CREATE TABLE visits (ts TIMESTAMP TIME INDEX, n INT);

-- a leap day only exists in leap years; April has 30 days
INSERT INTO visits VALUES ('2024-02-29 10:00:00', 1);

INSERT INTO visits VALUES ('2023-02-29 10:00:00', 2);

INSERT INTO visits VALUES ('2100-02-29 00:00:00', 3);

INSERT INTO visits VALUES ('2024-04-31 00:00:00', 4);

INSERT INTO visits VALUES ('2024-01-01 12:61:00', 5);

-- years have four digits
SELECT '20240-01-01 00:00:00'::TIMESTAMP;

SELECT ts, n FROM visits ORDER BY ts;

-- TIMESTAMP '...' keeps all nine fractional digits; a cast to TIMESTAMP keeps milliseconds
SELECT TIMESTAMP '2024-03-01 08:00:00.123456789', arrow_typeof(TIMESTAMP '2024-03-01 08:00:00.1');

SELECT '2024-03-01 08:00:00.123456789'::TIMESTAMP, TIMESTAMP '2024-03-01 08:00:00.123456789'::TIMESTAMP(6);

SELECT TIMESTAMP '2024-03-01 08:00:00.5' + INTERVAL '1 microsecond';

-- TIMESTAMPTZ is another name of TIMESTAMP
SELECT '2024-03-01 08:00:00+02:00'::TIMESTAMPTZ, arrow_typeof('2024-03-01 08:00:00'::TIMESTAMPTZ), TIMESTAMPTZ '2024-03-01 08:00:00';

SELECT n FROM visits WHERE ts = TIMESTAMP '2024-02-29 10:00:00';

-- years past 9999 need their sign, as chrono reads them
SELECT '10000-01-01 00:00:00'::TIMESTAMP_S;

-- CAST to TIME: the UTC time of day as text, fractions in groups of three digits
SELECT ts::TIME AS t, (ts + INTERVAL '90 minutes 0.25 seconds')::TIME AS later FROM visits;

SELECT '07:05'::TIME, '23:59:59.000001'::TIME, '2024-03-01 08:00:00+02:00'::TIME, TRY_CAST('24:00:00' AS TIME);

SELECT '24:00:00'::TIME;
