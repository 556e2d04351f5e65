-- COMMENT ON TABLE / COLUMN, and column comments written in CREATE TABLE and ADD COLUMN
CREATE TABLE stations (site STRING COMMENT 'where it stands', temp DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (site));

COMMENT ON TABLE stations IS 'weather stations, one row a reading';

COMMENT ON COLUMN stations.temp IS 'degrees Celsius, it''s the air';

SHOW CREATE TABLE stations;

SELECT table_name, table_comment FROM information_schema.tables WHERE table_name = 'stations';

SELECT column_name, column_comment FROM information_schema.columns WHERE table_name = 'stations' ORDER BY column_name;

SHOW FULL COLUMNS FROM stations;

ALTER TABLE stations ADD COLUMN gust DOUBLE COMMENT 'peak wind';

COMMENT ON COLUMN public.stations.site IS NULL;

COMMENT ON TABLE public.stations IS NULL;

SHOW CREATE TABLE stations;

SELECT table_comment FROM information_schema.tables WHERE table_name = 'stations';

COMMENT ON COLUMN stations.nothing IS 'x';

COMMENT ON TABLE no_such_table IS 'x';

COMMENT ON COLUMN stations IS 'x';

COMMENT ON INDEX stations IS 'x';

COMMENT ON TABLE stations IS 42;

INSERT INTO stations VALUES ('north', 3.5, 1000, 12.0);

SELECT site, temp, gust FROM stations;

DROP TABLE stations;
