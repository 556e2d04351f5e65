-- Lists know their element type: elements print as a column of that type prints (1.0, timestamps as text, dates as
-- days), and the type carries through list functions, array_agg, indexing, unnest and casts.
CREATE TABLE visits (page STRING, ms DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (page));

INSERT INTO visits VALUES ('home', 12, 1000), ('home', 30.5, 61000), ('docs', 7, 2000);

SELECT page, array_agg(ts ORDER BY ts) AS times, array_agg(ms ORDER BY ts) AS durations FROM visits GROUP BY page ORDER BY page;

SELECT page, array_agg(ts ORDER BY ts)[2] AS second_visit FROM visits GROUP BY page ORDER BY page;

SELECT unnest(array_agg(ts)) AS t FROM visits WHERE page = 'docs';

SELECT make_array(1, 2.5), make_array(1, 2), [1.0, NULL], make_array(make_array(1.0), make_array(2.0));

SELECT array_sort(array_agg(ms), 'DESC') AS d, array_append(array_agg(ms), 1) AS a, array_reverse(array_agg(ts)) AS r FROM visits;

SELECT range(DATE '2024-01-31', DATE '2024-05-01', INTERVAL '1 month') AS months;

SELECT generate_series(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 00:30:00', INTERVAL '15 minutes') AS quarter_hours;

SELECT unnest(range(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 02:00:00', INTERVAL '1 hour')) AS hour;

SELECT range(DATE '2024-01-01', DATE '2024-01-03', INTERVAL '0 days');

SELECT [1, 2, 3]::DOUBLE[] AS d, CAST(make_array('1', '2') AS BIGINT[]) AS i, CAST(array_agg(ts) AS STRING) AS s FROM visits WHERE page = 'docs';

SELECT CAST(make_array('x') AS INT[]);

SELECT named_struct('at', arrow_cast(0, 'Timestamp(Second, None)'), 'v', 2.0, 'l', make_array(1.5)) AS s;

SELECT * FROM unnest(make_array(DATE '2024-03-01', NULL, DATE '2024-03-03')) AS d;
