-- Decimal128(p, s): casts round half away from zero at the scale and refuse values beyond the precision;
-- arithmetic takes DataFusion's result precision and scale; sums and averages widen.
SELECT CAST(1.005 AS DECIMAL(10, 2)), CAST(-2.675 AS DECIMAL(10, 2)), CAST('3.14159' AS DECIMAL(6, 4)), arrow_typeof(CAST(1 AS DECIMAL(10, 2)));

SELECT CAST(12345.678 AS DECIMAL(5, 2));

SELECT TRY_CAST(12345.678 AS DECIMAL(5, 2)), CAST(NULL AS DECIMAL(5, 2));

SELECT arrow_typeof(CAST(1 AS DECIMAL)), arrow_typeof(CAST(1 AS DECIMAL(7))), CAST(7.6 AS DECIMAL(7));

SELECT CAST(1.10 AS DECIMAL(10, 2)) + CAST(2.255 AS DECIMAL(10, 3)), arrow_typeof(CAST(1.10 AS DECIMAL(10, 2)) + CAST(2.255 AS DECIMAL(10, 3)));

SELECT CAST(1.5 AS DECIMAL(4, 1)) * CAST(2.25 AS DECIMAL(5, 2)), arrow_typeof(CAST(1.5 AS DECIMAL(4, 1)) * CAST(2.25 AS DECIMAL(5, 2)));

SELECT CAST(10 AS DECIMAL(5, 2)) / CAST(3 AS DECIMAL(5, 2)), arrow_typeof(CAST(10 AS DECIMAL(5, 2)) / CAST(3 AS DECIMAL(5, 2)));

SELECT CAST(10 AS DECIMAL(5, 2)) + 1, arrow_typeof(CAST(10 AS DECIMAL(5, 2)) + 1), CAST(10 AS DECIMAL(5, 2)) * 0.5, arrow_typeof(CAST(10 AS DECIMAL(5, 2)) * 0.5);

SELECT CAST(7.5 AS DECIMAL(4, 1)) % CAST(2 AS DECIMAL(4, 1)), CAST(1 AS DECIMAL(4, 1)) / CAST(0 AS DECIMAL(4, 1));

SELECT CAST(CAST(9.99 AS DECIMAL(4, 2)) AS INT), CAST(CAST(9.99 AS DECIMAL(4, 2)) AS DOUBLE), CAST(CAST(9.9 AS DECIMAL(4, 2)) AS STRING);

CREATE TABLE prices (ts TIMESTAMP TIME INDEX, item STRING PRIMARY KEY, price DECIMAL(8, 2));

INSERT INTO prices VALUES (1, 'a', 19.999), (2, 'b', 0.105), (3, 'c', 100), (4, 'd', NULL);

SELECT item, price FROM prices ORDER BY item;

SELECT sum(price), arrow_typeof(sum(price)), avg(price), arrow_typeof(avg(price)), min(price), max(price), count(price) FROM prices;

SELECT item FROM prices WHERE price > 1 ORDER BY item;

INSERT INTO prices VALUES (5, 'e', 1234567.891);

DESC TABLE prices;

SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = 'prices' AND column_name = 'price';

-- beyond a double's 15 digits: exact unscaled 128-bit values
SELECT '12345678901234567890.123456789'::DECIMAL(38, 9) + 1 AS big, ('0.1234567890123456789'::DECIMAL(19, 19) + 100)::VARCHAR AS txt;

SELECT '98765432109876543210'::DECIMAL(30, 0) * '1.5'::DECIMAL(5, 1) AS product, '1'::DECIMAL(30, 20) / '7'::DECIMAL(10, 0) AS quotient;

SELECT -('11111111111111111111.11'::DECIMAL(25, 2)) AS neg, '123456789012345678.5'::DECIMAL(20, 1)::DECIMAL(20, 0) AS rounded;

SELECT sum(x), avg(x) FROM (VALUES ('11111111111111111111.11'::DECIMAL(30, 2)), ('22222222222222222222.22'::DECIMAL(30, 2)), (NULL)) AS v(x);

SELECT ('0.123456789012345678901234567890123'::DECIMAL(33, 33) + 100000)::VARCHAR;

SELECT '0.00000000000000000001'::DECIMAL(38, 20) * '0.00000000000000000001'::DECIMAL(38, 20);

SELECT '1e-3'::DECIMAL(10, 4), '2.5E2'::DECIMAL(10, 1), TRY_CAST('1,5' AS DECIMAL(10, 2));

SELECT CAST('9.99e40' AS DECIMAL(38, 0));
