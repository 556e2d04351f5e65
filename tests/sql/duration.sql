-- timestamp - timestamp is a Duration in the finer unit of the two (a date counts as milliseconds), printed as Arrow
-- prints one (ISO 8601 seconds: P0D, PT90S, -PT0.5S); it adds to timestamps and compares with intervals.
CREATE TABLE trips (ts TIMESTAMP TIME INDEX, start_at TIMESTAMP(0), end_at TIMESTAMP(9), d DATE);

INSERT INTO trips VALUES (1, '2024-05-01 10:00:00', '2024-05-01 10:01:30.000000001', '2024-05-03'), (2, '2024-05-01 10:00:00', '2024-05-01 09:59:59.5', '2024-05-01'), (3, '2024-05-01 10:00:00', '2024-05-01 10:00:00', NULL);

SELECT ts, end_at - start_at, arrow_typeof(end_at - start_at), start_at - start_at, arrow_typeof(start_at - start_at) FROM trips ORDER BY ts;

SELECT ts, d - DATE '2024-05-01', arrow_typeof(d - DATE '2024-05-01') FROM trips ORDER BY ts;

SELECT ts FROM trips WHERE end_at - start_at > INTERVAL '1 minute' ORDER BY ts;

SELECT ts, start_at + (end_at - start_at), CAST(end_at - start_at AS STRING), -(end_at - start_at) FROM trips ORDER BY ts;

SELECT end_at - start_at AS took, count(*) FROM trips GROUP BY took ORDER BY took;
