-- Views: SHOW CREATE VIEW, OR REPLACE with IF NOT EXISTS
CREATE TABLE readings (ts TIMESTAMP TIME INDEX, site STRING PRIMARY KEY, level DOUBLE);

INSERT INTO readings VALUES (1000, 'north', 2.5), (2000, 'south', 4.0), (3000, 'north', 3.5);

CREATE VIEW high
  AS SELECT site, level FROM readings WHERE level > 3;

SHOW CREATE VIEW high;

SELECT * FROM high ORDER BY site;

-- IF NOT EXISTS keeps the existing view
CREATE VIEW IF NOT EXISTS high AS SELECT site FROM readings;

SHOW CREATE VIEW high;

-- OR REPLACE replaces it, even with IF NOT EXISTS
CREATE OR REPLACE VIEW IF NOT EXISTS high AS SELECT site FROM readings WHERE level > 2;

SHOW CREATE VIEW high;

SELECT * FROM high ORDER BY site;

-- a table is not a view, a dropped view is gone
SHOW CREATE VIEW readings;

DROP VIEW high;

SHOW CREATE VIEW high;

-- information_schema.views holds the same one-line statement
CREATE VIEW north
  AS SELECT * FROM readings WHERE site = 'north';

SELECT table_name, view_definition FROM information_schema.views WHERE table_schema = 'public' ORDER BY table_name;

-- SHOW VIEWS lists the views only (not the tables), with LIKE and WHERE on its one column
SHOW VIEWS;

SHOW VIEWS LIKE 'n%';

SHOW VIEWS WHERE Views = 'high';

-- a view's definition is shown re-printed as GreptimeDB shows it: keywords upper case, one space, INNER JOIN as JOIN
create view joined as select r.site, count(*)   as n from readings r inner join readings s on r.site = s.site where r.site <> 'x' group by r.site;

SHOW CREATE VIEW joined;

SELECT view_definition FROM information_schema.views WHERE table_name = 'joined';

DROP VIEW joined;
