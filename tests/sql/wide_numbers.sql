-- Decimals wider than a double into 64-bit integers, digit for digit; dates plus intervals
SELECT 9223372036854775807::DECIMAL(19,0)::BIGINT AS top, (-9223372036854775807)::DECIMAL(19,0)::BIGINT AS bottom;

SELECT '18446744073709551615'::DECIMAL(20,0)::UINT64 AS umax, '-12.75'::DECIMAL(20,2)::BIGINT AS truncated;

SELECT '9223372036854775808'::DECIMAL(20,0)::BIGINT;

SELECT TRY_CAST('9223372036854775808'::DECIMAL(20,0) AS BIGINT) AS too_big;

-- the hours of an interval do not move a date to another day
SELECT DATE '2024-03-10' - INTERVAL '2 years 5 hours' AS back, DATE '2024-03-10' + INTERVAL '1 month 3 days 23 hours' AS ahead;
