-- Column-level DDL: ALTER TABLE .. ALTER COLUMN c TYPE t (the PostgreSQL spelling of MODIFY COLUMN), COMPRESSION
-- WITH (type, level, page_size) on a column, and the table options preserve_row_sequence and
-- experimental_sst_float_field_encoding.
CREATE TABLE probes(site STRING PRIMARY KEY, reading INT, flag BOOLEAN, ts TIMESTAMP TIME INDEX);

INSERT INTO probes VALUES ('north', 12, true, 1000), ('south', 7, false, 2000);

ALTER TABLE probes ALTER COLUMN reading TYPE STRING;

ALTER TABLE probes ALTER COLUMN flag SET DATA TYPE INT;

ALTER TABLE probes ALTER COLUMN site TYPE INT;

ALTER TABLE probes ALTER COLUMN missing TYPE STRING;

INSERT INTO probes VALUES ('east', 'n/a', 1, 3000);

SELECT site, reading, flag FROM probes ORDER BY ts;

DESCRIBE probes;

ALTER TABLE probes ALTER COLUMN reading SET DEFAULT 'none';

ALTER TABLE probes ALTER COLUMN reading DROP DEFAULT;

CREATE TABLE traces(ts TIMESTAMP TIME INDEX, body STRING COMPRESSION WITH (level = 5, page_size = '1MiB'), tokens BIGINT COMPRESSION WITH (type = 'ZSTD')) WITH (append_mode = 'true');

SHOW CREATE TABLE traces;

INSERT INTO traces VALUES (1, 'span one', 10), (2, NULL, NULL);

SELECT * FROM traces ORDER BY ts;

CREATE TABLE bad1(ts TIMESTAMP TIME INDEX, s STRING COMPRESSION WITH (level = 23));

CREATE TABLE bad2(ts TIMESTAMP TIME INDEX, s STRING COMPRESSION WITH (type = 'snappy'));

CREATE TABLE bad3(ts TIMESTAMP TIME INDEX, s STRING COMPRESSION WITH (page_size = 'huge'));

CREATE TABLE bad4(ts TIMESTAMP TIME INDEX, s STRING COMPRESSION WITH (dictionary = 'on'));

CREATE TABLE bad5(ts TIMESTAMP TIME INDEX, j JSON COMPRESSION WITH (level = 3));

-- preserve_row_sequence needs an append-only table; the float encoding takes 'default' or 'byte_stream_split'
ALTER TABLE traces SET 'preserve_row_sequence' = 'true', 'experimental_sst_float_field_encoding' = 'byte_stream_split';

ALTER TABLE traces UNSET 'preserve_row_sequence';

ALTER TABLE probes SET 'preserve_row_sequence' = 'true';

ALTER TABLE probes SET 'experimental_sst_float_field_encoding' = 'BYTE_STREAM_SPLIT';

CREATE TABLE seq(ts TIMESTAMP TIME INDEX, v DOUBLE) WITH (preserve_row_sequence = 'true');

CREATE TABLE seq(ts TIMESTAMP TIME INDEX, v DOUBLE) WITH (append_mode = 'true', preserve_row_sequence = 'true');

DROP TABLE seq;

DROP TABLE traces;

DROP TABLE probes;
