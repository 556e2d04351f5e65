-- Which casts run, as Arrow's can_cast_types decides, refused whole (under TRY_CAST too) with Arrow's message
-- a boolean becomes an integer, a float or text, never a decimal
SELECT CAST(false AS TINYINT), CAST(true AS DOUBLE), CAST(true AS STRING);

SELECT CAST(true AS DECIMAL(5,2));

SELECT TRY_CAST(true AS DECIMAL(5,2));

-- and a decimal is no boolean
SELECT CAST(CAST(0.5 AS DECIMAL(3,1)) AS BOOLEAN);

-- decimals trade with numbers, text and timestamps
SELECT CAST(CAST(12.75 AS DECIMAL(5,2)) AS INT), CAST(CAST(12.75 AS DECIMAL(5,2)) AS FLOAT), CAST(CAST(12.75 AS DECIMAL(5,2)) AS STRING), CAST(CAST(86400 AS DECIMAL(10,0)) AS TIMESTAMP(0));

SELECT CAST('1970-01-02 00:00:00'::TIMESTAMP_S AS DECIMAL(10,0));

-- bytes are no number
SELECT CAST(CAST('7' AS VARBINARY) AS DECIMAL(5,2));

SELECT CAST(INTERVAL '1 hour' AS DECIMAL(5,2));

-- a date is a count of days: Int32 and Int64 carry it, narrower integers, floats and decimals do not
SELECT CAST(DATE '2020-01-01' AS INT), CAST(DATE '2020-01-01' AS BIGINT), CAST(18262 AS DATE), CAST(CAST(18262 AS INT) AS DATE);

SELECT CAST(DATE '2020-01-01' AS SMALLINT);

SELECT CAST(DATE '2020-01-01' AS DOUBLE);

SELECT CAST(CAST(1 AS TINYINT) AS DATE);

SELECT CAST(CAST(1 AS INT UNSIGNED) AS DATE);

SELECT CAST(1.5 AS DATE);

SELECT CAST(CAST(18262 AS DECIMAL(10,0)) AS DATE);

SELECT CAST(DATE '2020-01-01' AS DECIMAL(10,0));

-- a timestamp too wide for the integer is refused naming its value in its own unit (seconds here, days for a date)
SELECT CAST('2020-01-01 00:00:01'::TIMESTAMP_S AS SMALLINT);

SELECT CAST('2020-01-01 00:00:01'::TIMESTAMP_MS AS INT);

SELECT TRY_CAST('2020-01-01 00:00:01'::TIMESTAMP_MS AS INT), TRY_CAST('2020-01-01 00:00:01'::TIMESTAMP_S AS INT);

-- digits alone are no date or timestamp text: Arrow reads no epoch count from a string (a number casts, text does not)
SELECT CAST('1' AS DATE);

SELECT CAST('1700000000' AS TIMESTAMP);

SELECT TRY_CAST('1' AS DATE), TRY_CAST('1700000000' AS TIMESTAMP), CAST(1700000000 AS TIMESTAMP(0)), CAST('2023-11-14' AS DATE);
