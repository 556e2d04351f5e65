-- TQL EVAL answers in the column order GreptimeDB's PromQL planner projects.
CREATE TABLE temps (celsius DOUBLE, at TIMESTAMP TIME INDEX, room STRING, floor STRING, PRIMARY KEY (room, floor));

INSERT INTO temps VALUES (20, 1000, 'hall', '1'), (21, 2000, 'hall', '1'), (18, 1000, 'attic', '3'), (30, 1000, 'boiler', NULL);

-- a bare selector: the table's own columns in table order
TQL EVAL (0, 4, '2s') temps;

-- ... also with a scalar on either side, or a filter
TQL EVAL (0, 4, '2s') temps * 2;

TQL EVAL (0, 4, '2s') 100 - temps;

TQL EVAL (0, 4, '2s') temps > 19;

-- naming the field: the field, the tags, the time
TQL EVAL (0, 4, '2s') temps{__field__="celsius"};

-- an aggregation: its grouping labels (in the order of BY), the time, the value
TQL EVAL (0, 4, '2s') max by (floor, room) (temps);

TQL EVAL (0, 4, '2s') sum without (room) (temps);

TQL EVAL (0, 4, '2s') count(temps);

-- a function: the time, the value, then every tag of the table (in primary key order)
TQL EVAL (0, 4, '2s') abs(temps);

TQL EVAL (2, 2, '1s') max_over_time(temps[2s]);

-- AS name: the value, the labels, the time
TQL EVAL (0, 4, '2s') max by (floor, room) (temps) AS hottest;

-- a comma may separate the parameters from the query; a parameter may be any constant expression (an interval: that long after the epoch)
TQL EVAL (0, 4, '2s'), count(temps);

TQL EVAL (now() - now(), now() - (now() - '2 seconds'::interval), '2s') count(temps);

-- without a table, the time column is called time
TQL EVAL (0, 4, '2s') 1 + 1;

-- a TQL EVAL as a CTE: its answer is the CTE's rows, renamed by the CTE's column list
WITH t AS (TQL EVAL (0, 4, '2s') temps{room="hall"}) SELECT room, max(celsius) FROM t GROUP BY room;

WITH t (stamp, warmth) AS (TQL EVAL (0, 4, '2s') max(temps)), warm AS (SELECT * FROM t WHERE warmth > 25) SELECT count(*) FROM warm;

WITH t AS (TQL EVAL (0, 4, '2s') abs(temps) AS c) SELECT t.room, t.c FROM t JOIN temps ON t.room = temps.room AND t.at = temps.at ORDER BY t.room;

WITH t AS (TQL ANALYZE (0, 4, '2s') temps) SELECT * FROM t;

-- __schema__ / __database__ name the database a selector reads; a __field__ the table lacks is an error
TQL EVAL (0, 4, '2s') count(temps{__schema__="public"});

TQL EVAL (0, 4, '2s') count(temps{__database__="elsewhere"});

TQL EVAL (0, 4, '2s') temps{__field__="fahrenheit"};
