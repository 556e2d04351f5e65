-- PREPARE name FROM 'text' keeps a statement; EXECUTE binds its parameters (? in order, or $n) to the arguments
-- after USING (or in parentheses) and runs it; DEALLOCATE forgets it.
CREATE TABLE readings (sensor STRING, temp DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (sensor));

INSERT INTO readings VALUES ('s1', 20.5, 1000), ('s2', 22.0, 2000), ('s1', 21.5, 3000);

PREPARE hot FROM 'SELECT sensor, temp FROM readings WHERE temp > ? ORDER BY temp LIMIT ?';

EXECUTE hot USING 21, 5;

EXECUTE hot USING 20 + 1.6, 1;

PREPARE by_sensor FROM 'SELECT count(*) FROM readings WHERE sensor = $1 AND ts >= $2';

EXECUTE by_sensor ('s1', '1970-01-01T00:00:02');

PREPARE add FROM 'INSERT INTO readings VALUES (?, ?, ?)';

EXECUTE add USING 's3', 19.0, 4000;

SELECT * FROM readings ORDER BY ts;

-- a question mark inside a string is text, not a parameter
PREPARE quoted FROM 'SELECT ''?'' AS q, ? AS p';

EXECUTE quoted USING 'x';

-- a cast of a bound text that is no number fails as the cast would
PREPARE as_int FROM 'SELECT ?::INT';

EXECUTE as_int USING 'a';

EXECUTE as_int USING 7;

EXECUTE hot USING 1;

DEALLOCATE hot;

EXECUTE hot USING 21, 5;

DEALLOCATE PREPARE by_sensor;

DEALLOCATE nothing_here;

PREPARE two FROM 'SELECT 1; SELECT 2';

PREPARE broken FROM 'SELEC 1';

-- PostgreSQL's form: PREPARE name [(types)] AS statement, the statement inline with $n parameters
PREPARE warm (DOUBLE, BIGINT) AS SELECT sensor, temp FROM readings WHERE temp > $1 ORDER BY temp LIMIT $2;

EXECUTE warm (20, 2);

-- a declared type is the type the argument binds as
PREPARE typed (INT) AS SELECT $1 AS v, arrow_typeof($1) AS t;

EXECUTE typed ('41');

PREPARE untyped AS SELECT $1 * 2 AS v;

EXECUTE untyped (2.5);

PREPARE reading AS INSERT INTO readings VALUES ($1, $2, $3);

EXECUTE reading ('s4', 18.5, 5000);

SELECT sensor, temp FROM readings WHERE sensor = 's4';

PREPARE nothing AS;

PREPARE bad_type (NOSUCHTYPE) AS SELECT $1;
