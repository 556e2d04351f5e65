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

-- SET ttl = NULL keeps rows forever by the table's own choice (UNSET would let its database's TTL apply)
ALTER TABLE readings SET 'ttl' = NULL;

SHOW CREATE TABLE readings;

DROP TABLE readings;

CREATE TABLE blobs (payload VARBINARY, body STRING FULLTEXT INDEX WITH (backend = 'tantivy'), ts TIMESTAMP TIME INDEX) WITH (merge_mode = 'last_non_null');

SHOW CREATE TABLE blobs;

SHOW COLUMNS FROM blobs;

ALTER TABLE blobs SET 'append_mode' = 'true';

SHOW CREATE TABLE blobs;

DROP TABLE blobs;

-- the table as a PostgreSQL foreign table over postgres_fdw (server greptimedb)
CREATE TABLE gauges (id INT UNSIGNED, small SMALLINT, big BIGINT, name STRING, ok BOOLEAN, raw VARBINARY, day DATE, f FLOAT, d DOUBLE, dec DECIMAL(10, 2), ts TIMESTAMP(6) TIME INDEX, PRIMARY KEY (id, name));

SHOW CREATE TABLE gauges FOR POSTGRES_FOREIGN_TABLE;

SHOW CREATE TABLE gauges FOR oracle_table;

DROP TABLE gauges;

-- a table's own TTL set to NULL is forever; unset, the database's TTL applies again
CREATE DATABASE hourly WITH (ttl = '1h');

CREATE TABLE hourly.pings (v INT, ts TIMESTAMP TIME INDEX);

ALTER TABLE hourly.pings SET 'ttl' = NULL;

SELECT table_name, create_options FROM information_schema.tables WHERE table_schema = 'hourly';

ALTER TABLE hourly.pings UNSET 'ttl';

SELECT table_name, create_options FROM information_schema.tables WHERE table_schema = 'hourly';

DROP DATABASE hourly;

-- a physical metric table shows its logical tables' tags, with the skipping index its 'index.type' gives them
CREATE TABLE metrics_phy (ts TIMESTAMP TIME INDEX, val DOUBLE) ENGINE = metric WITH ('physical_metric_table' = '', 'index.type' = 'skipping', 'index.granularity' = '4096');

CREATE TABLE cpu_load (ts TIMESTAMP TIME INDEX, val DOUBLE, host STRING, dc STRING, PRIMARY KEY (host, dc)) ENGINE = metric WITH ('on_physical_table' = 'metrics_phy');

SHOW CREATE TABLE metrics_phy;

DROP TABLE cpu_load;

DROP TABLE metrics_phy;
