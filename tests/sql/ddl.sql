CREATE DATABASE mydb;

CREATE DATABASE mydb;

CREATE DATABASE IF NOT EXISTS mydb;

CREATE DATABASE "7seas";

CREATE DATABASE `bad db`;

SHOW DATABASES;

CREATE TABLE mydb.cpu (host STRING, region STRING, usage_user DOUBLE, n INT, f FLOAT, ok BOOLEAN DEFAULT true, ts TIMESTAMP(6) TIME INDEX, PRIMARY KEY (host, region)) WITH (ttl = '7d', append_mode = 'false');

CREATE TABLE mydb.cpu (host STRING, ts TIMESTAMP TIME INDEX);

CREATE TABLE IF NOT EXISTS mydb.cpu (host STRING, ts TIMESTAMP TIME INDEX);

CREATE TABLE no_ti (host STRING, v DOUBLE);

CREATE TABLE bad_type (ts TIMESTAMP TIME INDEX, v NOPE);

DESCRIBE mydb.cpu;

SHOW CREATE TABLE mydb.cpu;

USE mydb;

SHOW TABLES;

INSERT INTO cpu (host, region, usage_user, n, f, ts) VALUES ('a', 'eu', 1.5, 7, 0.5, '2024-01-01 00:00:00.000001');

SELECT * FROM cpu;

ALTER TABLE cpu ADD COLUMN extra STRING;

ALTER TABLE cpu ADD COLUMN extra STRING;

ALTER TABLE cpu ADD COLUMN IF NOT EXISTS extra STRING;

ALTER TABLE cpu ADD COLUMN k BIGINT DEFAULT 42 FIRST;

DESCRIBE TABLE cpu;

SELECT k, host, extra FROM cpu;

ALTER TABLE cpu DROP COLUMN extra;

ALTER TABLE cpu DROP COLUMN host;

ALTER TABLE cpu SET 'ttl' = '1d';

SHOW CREATE TABLE cpu;

CREATE TABLE gauge (ts TIMESTAMP TIME INDEX, dev STRING PRIMARY KEY, reading DOUBLE, ok BOOLEAN);

-- a field changes type; rows keep the type they were written with and are cast when read
ALTER TABLE gauge MODIFY COLUMN reading STRING;

-- booleans do not cast to times
ALTER TABLE gauge MODIFY COLUMN ok TIMESTAMP;

ALTER TABLE gauge MODIFY COLUMN dev INT;

DESCRIBE gauge;

-- one missing table and nothing is dropped
DROP TABLE gauge, no_such_table;

DESCRIBE gauge;

DROP TABLE gauge;

TRUNCATE TABLE cpu;

SELECT count(*) FROM cpu;

TRUNCATE missing;

DROP TABLE cpu;

DROP TABLE cpu;

DROP TABLE IF EXISTS cpu;

DROP DATABASE mydb;

USE public;

DROP DATABASE mydb;

DROP DATABASE IF EXISTS mydb;

SHOW DATABASES LIKE 'pub%';

SELECT schema_name FROM information_schema.schemata ORDER BY schema_name;
