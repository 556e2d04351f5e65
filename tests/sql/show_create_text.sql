-- SHOW CREATE TABLE's text for partitions, sizes, TTLs in years and months, binary columns and index backends
CREATE TABLE readings (site STRING, zone INT, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (site, zone))
PARTITION ON COLUMNS (site, zone) (site < 'h', site >= 'h' AND site < 'p' OR zone = 7, site >= 'p' AND zone <> 7)
WITH (write_buffer_size = '2MiB', ttl = '1year 2months');

SHOW CREATE TABLE readings;

SELECT partition_name, partition_description FROM information_schema.partitions WHERE table_name = 'readings' ORDER BY partition_name;

ALTER TABLE readings SET 'write_buffer_size' = '1536KB';

ALTER TABLE readings SET 'ttl' = '3years';

SHOW CREATE TABLE readings;

ALTER TABLE readings SET 'write_buffer_size' = '512';

SHOW CREATE TABLE readings;

DROP TABLE readings;

CREATE TABLE blobs (payload VARBINARY, body STRING FULLTEXT INDEX WITH (backend = 'tantivy'), ts TIMESTAMP TIME INDEX) WITH (merge_mode = 'last_non_null');

SHOW CREATE TABLE blobs;

SHOW COLUMNS FROM blobs;

ALTER TABLE blobs SET 'append_mode' = 'true';

SHOW CREATE TABLE blobs;

DROP TABLE blobs;
