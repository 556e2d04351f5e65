-- Text that is no timestamp is refused as DataFusion refuses it: "Error parsing timestamp from '<text>': <part>",
-- naming the first part that fails (length, date, separator, time, zone), at the statement's position; TRY_CAST
-- gives NULL instead, and an INSERT names the column and row and writes nothing.
SELECT '2024-02'::TIMESTAMP;

SELECT '2024-02-30 08:00:00'::TIMESTAMP_MS;

SELECT CAST('2024-02-03_08:00:00' AS TIMESTAMP(6));

SELECT '2024-02-03 08:60:00'::TIMESTAMP_S;

SELECT '2024-02-03 08:00:00 +0800x'::TIMESTAMP;

SELECT TRY_CAST('2024-02-03 08:60:00' AS TIMESTAMP), TRY_CAST('2024-02-03 08:59:00' AS TIMESTAMP);

CREATE TABLE probes (ts TIMESTAMP TIME INDEX, reading DOUBLE);

INSERT INTO probes VALUES ('2024-02-03 07:00:00', 0.5);

INSERT INTO probes VALUES ('2024-02-03 08:00:00', 1.0), ('2024-02-03 8h00', 2.0);

SELECT count(*) FROM probes;

SELECT reading FROM probes WHERE ts = 'last tuesday';
