-- Float32 arithmetic stays 32-bit and prints its own shortest digits; NaN and infinities follow IEEE total order.
CREATE TABLE readings (ts TIMESTAMP TIME INDEX, f DOUBLE, g FLOAT);

INSERT INTO readings VALUES (1, 'NaN', 0.1), (2, 'inf', 2.25), (3, '-inf', 1.5), (4, 1.0, 3), (5, NULL, NULL), (6, 'nan', -0.7);

SELECT g, g * 2, g + 1, arrow_typeof(g * 2), arrow_typeof(g + 0.5), CAST(g AS STRING) FROM readings ORDER BY ts;

SELECT CAST(1.1 AS FLOAT) * 3, arrow_typeof(CAST(1.1 AS FLOAT) * 3);

SELECT ts, f FROM readings ORDER BY f, ts;

SELECT ts, f FROM readings ORDER BY f DESC, ts;

SELECT count(*) FROM readings WHERE f = 'NaN'::DOUBLE;

SELECT count(*) FROM readings WHERE f > 1;

SELECT count(*) FROM readings WHERE f < 'inf'::DOUBLE;

SELECT isnan(f), count(*) FROM readings GROUP BY isnan(f) ORDER BY 1;

SELECT sum(g), avg(g), arrow_typeof(sum(g)), min(g), max(g) FROM readings;

SELECT CAST('inf' AS DOUBLE) > 1e308, CAST('-inf' AS DOUBLE) < -1e308, CAST('nan' AS DOUBLE) = CAST('nan' AS DOUBLE);

-- Math functions keep a Float32 argument's type: each result is rounded to 32 bits.
SELECT g, sqrt(g), exp(g), abs(g), floor(g), round(g, 1), arrow_typeof(round(g)), arrow_typeof(sqrt(g)), arrow_typeof(sqrt(f)) FROM readings WHERE ts < 5 ORDER BY ts;
