-- information_schema, SHOW INDEX / COLUMNS / REGION, metric engine tables, and how errors name the fault.
CREATE TABLE logs (host STRING, msg STRING FULLTEXT INDEX, level STRING SKIPPING INDEX, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host));

CREATE TABLE sensors (id STRING INVERTED INDEX, temp DOUBLE DEFAULT 20.5, ts TIMESTAMP(6) TIME INDEX, PRIMARY KEY (id)) PARTITION ON COLUMNS (id) (id < 'm', id >= 'm');

SELECT table_schema, table_name, table_type, engine FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;

SELECT table_name, column_name, data_type, semantic_type, column_default, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position;

SELECT table_schema, table_name, region_id, peer_id, is_leader, status FROM information_schema.region_peers WHERE table_schema = 'public' ORDER BY table_name, region_id;

SELECT table_name, index_name, seq_in_index, column_name, index_type, greptime_index_type FROM information_schema.statistics WHERE table_schema = 'public' ORDER BY table_name, index_name, seq_in_index;

SHOW INDEX FROM logs;

SHOW INDEX FROM sensors WHERE Key_name = 'PRIMARY';

SHOW COLUMNS FROM sensors;

SHOW REGION FROM sensors;

ALTER TABLE logs MODIFY COLUMN msg SET FULLTEXT INDEX WITH (analyzer = 'Chinese');

ALTER TABLE logs MODIFY COLUMN level SET SKIPPING INDEX WITH (granularity = 0);

-- a bad option value is the user's mistake (1004 InvalidArguments), and nothing changes
ALTER TABLE logs MODIFY COLUMN msg SET FULLTEXT INDEX WITH (case_sensitive = 'maybe');

ALTER TABLE logs MODIFY COLUMN msg SET FULLTEXT INDEX WITH (backend = 'lucene');

ALTER TABLE logs MODIFY COLUMN level SET SKIPPING INDEX WITH (false_positive_rate = 0);

ALTER TABLE logs MODIFY COLUMN level UNSET SKIPPING INDEX;

SHOW INDEX FROM logs;

CREATE TABLE phy (ts TIMESTAMP TIME INDEX, val DOUBLE) ENGINE = metric WITH ('physical_metric_table' = '');

CREATE TABLE m1 (ts TIMESTAMP TIME INDEX, val DOUBLE, host STRING PRIMARY KEY) ENGINE = metric WITH ('on_physical_table' = 'phy');

CREATE TABLE m2 (ts TIMESTAMP TIME INDEX, job STRING PRIMARY KEY, val DOUBLE) ENGINE = metric WITH ('on_physical_table' = 'phy');

CREATE TABLE m3 (ts TIMESTAMP TIME INDEX, other DOUBLE, host STRING PRIMARY KEY) ENGINE = metric WITH ('on_physical_table' = 'phy');

DESC TABLE phy;

DESC TABLE m2;

-- the physical table is keyed by its logical tables' table id, series hash and tags
SHOW INDEX FROM phy;

INSERT INTO m1 VALUES ('h1', 0, 1.5), ('h2', 1000, 2.5);

SELECT * FROM m1 ORDER BY host;

-- with no ORDER BY, a logical table's rows come in the metric engine's order: by the series' __tsid hash, then time
INSERT INTO m2 VALUES ('build', 0, 1), ('deploy', 0, 2), ('build', 1000, 3), ('alert', 0, 4);

SELECT * FROM m2;

SELECT job FROM m2 LIMIT 2;

INSERT INTO phy VALUES (0, 1.0);

DROP TABLE phy;

SELECT hots FROM m1;

SELECT host FROM m1 WHERE val = 'high';

SELECT host FROM m1 WHERE;

SELECT * FROM m1 JOIN m2;

INSERT INTO m1 (host, ts, val) VALUES ('h3', 'yesterday', 1.0);

INSERT INTO m1 (host, ts, val) VALUES ('h3', 0, 'x');

CREATE TABLE bad_opts (ts TIMESTAMP TIME INDEX) WITH (foo = 'bar');

ALTER TABLE sensors SET 'ttl' = 'soon';

SELECT * FROM missing_table;

-- a dropped logical table's tags stay columns of its physical table (its key only grows)
DROP TABLE m2;

DESC TABLE phy;

-- SHOW COLUMNS and SHOW INDEX name their table (it used to fail inside the server)
SHOW COLUMNS;

SHOW INDEX;
