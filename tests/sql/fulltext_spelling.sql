-- FULLTEXT without INDEX, as GreptimeDB 0.9-0.11 documented it: the same index as FULLTEXT INDEX
CREATE TABLE notes (body STRING FULLTEXT WITH (analyzer = 'English', case_sensitive = 'false'), ts TIMESTAMP TIME INDEX) WITH (append_mode = 'true');

SHOW INDEX FROM notes;

ALTER TABLE notes MODIFY COLUMN body SET FULLTEXT WITH (analyzer = 'Chinese', case_sensitive = 'true');

SHOW CREATE TABLE notes;

ALTER TABLE notes MODIFY COLUMN body SET FULLTEXT WITH (analyzer = 'Klingon');

ALTER TABLE notes MODIFY COLUMN body UNSET FULLTEXT;

SHOW INDEX FROM notes;

ALTER TABLE notes MODIFY COLUMN body SET INVERTED WITH (x = 'y');

DROP TABLE notes;

-- one index kind once per column, however it is spelled
CREATE TABLE twice (msg STRING FULLTEXT FULLTEXT INDEX, ts TIMESTAMP TIME INDEX);

CREATE TABLE twice (msg STRING SKIPPING INDEX INVERTED INDEX SKIPPING INDEX WITH (granularity = 1024), ts TIMESTAMP TIME INDEX);
