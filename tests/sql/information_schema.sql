-- information_schema and the SHOW statements over it, on a small catalog of our own.
CREATE TABLE cpu (ts TIMESTAMP TIME INDEX, region STRING, node STRING INVERTED INDEX, busy DOUBLE DEFAULT 0, cores INT, PRIMARY KEY (region, node));

CREATE TABLE plain (at TIMESTAMP(6) TIME INDEX, note STRING NULL, level SMALLINT UNSIGNED);

SHOW DATABASES;

SELECT table_schema, table_name, table_type, engine FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;

SELECT table_name FROM information_schema.tables WHERE table_schema = 'information_schema' AND table_name LIKE 'c%' ORDER BY table_name;

SELECT column_name, ordinal_position, data_type, greptime_data_type, semantic_type, column_key, is_nullable, column_default, numeric_precision, numeric_scale, datetime_precision, character_set_name FROM information_schema.columns WHERE table_name = 'cpu' ORDER BY ordinal_position;

SELECT column_name, data_type, datetime_precision, numeric_precision FROM information_schema.columns WHERE table_name = 'plain' ORDER BY ordinal_position;

SELECT count(*) FROM information_schema.columns WHERE table_schema = 'information_schema' AND table_name = 'columns';

SELECT constraint_name, table_name, column_name, ordinal_position, greptime_index_type FROM information_schema.key_column_usage WHERE table_schema = 'public' ORDER BY table_name, column_name, constraint_name;

SELECT constraint_name, table_name, constraint_type, enforced FROM information_schema.table_constraints ORDER BY table_name, constraint_name;

SELECT table_name, partition_name, partition_method, partition_ordinal_position FROM information_schema.partitions WHERE table_schema = 'public' ORDER BY table_name;

SELECT schema_name, default_character_set_name, default_collation_name FROM information_schema.schemata ORDER BY schema_name;

SELECT engine, support FROM information_schema.engines ORDER BY engine;

SELECT * FROM information_schema.character_sets;

SELECT * FROM information_schema.collations;

SELECT * FROM information_schema.collation_character_set_applicability;

SELECT count(*) FROM information_schema.build_info;

SELECT * FROM information_schema.check_constraints;

SELECT * FROM information_schema.triggers;

SELECT * FROM information_schema.global_status;

DESC TABLE information_schema.region_statistics;

DESC TABLE information_schema.procedure_info;

SHOW COLUMNS FROM information_schema.schemata;

SHOW FULL TABLES FROM information_schema LIKE 'region%';

SHOW COLUMNS FROM cpu LIKE 'c%';

SHOW FULL COLUMNS FROM plain;

SHOW COLUMNS FROM cpu WHERE Key = 'PRI';

SHOW TABLE STATUS LIKE 'pl%';

SHOW VARIABLES time_zone;

SHOW VARIABLES system_time_zone;

SHOW VARIABLES LIKE 'version%';

SHOW STATUS;

SHOW VARIABLES no_such_thing;

KILL 12345;

KILL 'elsewhere:4000/1';

SELECT * FROM information_schema.no_such_table;

-- the process list holds the statement that reads it, and nothing else
SELECT id LIKE 'memory:4000/%' AS local, catalog, schemas, query, client, frontend FROM information_schema.process_list;

SHOW PROCESSLIST;

-- session time zone: zone-less text is read in it, text with a zone keeps its own
SELECT timezone();

SET time_zone = '+08:00';

SELECT timezone();

SHOW VARIABLES time_zone;

SELECT CAST('2024-01-01 08:00:00' AS TIMESTAMP) = CAST('2024-01-01 00:00:00Z' AS TIMESTAMP), CAST('2024-01-01 08:00:00+08:00' AS TIMESTAMP) = CAST('2024-01-01 00:00:00Z' AS TIMESTAMP);

CREATE TABLE zoned (ts TIMESTAMP TIME INDEX, v INT);

INSERT INTO zoned VALUES ('2024-06-01 08:00:00', 1), ('2024-06-01 01:00:00Z', 2);

SELECT to_unixtime(ts), v FROM zoned ORDER BY v;

SELECT v FROM zoned WHERE ts = '2024-06-01 08:00:00';

SELECT v, date_format(ts, '%Y-%m-%d %H:%M:%S %z %Z') FROM zoned ORDER BY v;

SET time_zone = 'Asia/Tokyo';

SELECT CAST('2024-01-01 09:00:00' AS TIMESTAMP) = CAST('2024-01-01 00:00:00Z' AS TIMESTAMP);

SELECT v, date_format(ts, '%F %H:%M %z %Z') FROM zoned ORDER BY v;

SET time_zone = 'Mars/Olympus';

SET time_zone = '+24:00';

SET time_zone = '-23:30';

SELECT timezone();

SET time_zone = 'UTC';

SELECT timezone();

-- partitions: the expression is the PARTITION ON COLUMNS list, the description each region's rule
CREATE TABLE split_hosts (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'm', host >= 'm');

SELECT partition_name, partition_method, partition_expression, partition_description FROM information_schema.partitions WHERE table_name = 'split_hosts' ORDER BY partition_name;

-- GreptimeDB's SST catalog tables have their shape (no rows: segment files are not listed to the executor)
DESC TABLE information_schema.ssts_storage;

SELECT count(*) FROM information_schema.ssts_manifest;

SELECT table_name FROM information_schema.tables WHERE table_schema = 'information_schema' AND table_name LIKE 'ssts%' ORDER BY table_name;
