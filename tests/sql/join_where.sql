-- WHERE below a join: a conjunct naming one table only filters that table's scan (its time range and tag
-- filters), on the sides a join keeps whole; WHERE still runs over the joined rows, so answers never change.
CREATE TABLE readings (sensor STRING, room INT, temp DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (sensor));

CREATE TABLE rooms (room INT, building STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY (building));

INSERT INTO readings VALUES ('s1', 1, 20.5, 1000), ('s1', 1, 21.0, 2000), ('s2', 2, 18.0, 2000), ('s3', 9, 30.0, 3000), ('s2', 2, 19.5, 4000);

INSERT INTO rooms VALUES (1, 'north', 1000), (2, 'south', 1000), (3, 'north', 2000);

-- each side's conjuncts go into its own scan: the time range into readings, the tag filter into rooms
SELECT r.sensor, r.temp, o.building FROM readings r JOIN rooms o ON r.room = o.room WHERE r.ts >= 2000 AND o.building = 'south' ORDER BY r.ts;

EXPLAIN SELECT r.sensor, o.building FROM readings r JOIN rooms o ON r.room = o.room WHERE r.ts >= 2000 AND o.building = 'south';

-- an unqualified column that only one side has belongs to that side
SELECT sensor, building FROM readings r JOIN rooms o ON r.room = o.room WHERE sensor = 's1' AND building = 'north' ORDER BY r.ts;

-- LEFT JOIN keeps every left row: a right-side conjunct is not pushed (IS NULL keeps the unmatched rows)
SELECT r.sensor, o.building FROM readings r LEFT JOIN rooms o ON r.room = o.room WHERE o.building IS NULL OR o.building = 'south' ORDER BY r.ts, r.sensor;

EXPLAIN SELECT r.sensor, o.building FROM readings r LEFT JOIN rooms o ON r.room = o.room WHERE o.building = 'south' AND r.ts < 3000;

-- RIGHT JOIN: only the right side is filtered below the join
SELECT o.room, r.sensor FROM readings r RIGHT JOIN rooms o ON r.room = o.room WHERE o.building = 'north' ORDER BY o.room, r.sensor;

-- FULL JOIN: neither side is
SELECT o.room, r.sensor FROM readings r FULL JOIN rooms o ON r.room = o.room WHERE r.sensor IS NULL OR o.room IS NULL ORDER BY o.room, r.sensor;

-- a comma join is a hash join on WHERE's equalities between the two sides
SELECT r.sensor, o.building FROM readings r, rooms o WHERE r.room = o.room AND r.temp > 19 ORDER BY r.ts, r.sensor;

-- a conjunct naming both sides, or a subquery, stays above the join
SELECT r.sensor, o.room FROM readings r JOIN rooms o ON r.room = o.room WHERE r.room + o.room = 4 AND r.sensor IN (SELECT sensor FROM readings WHERE temp < 19) ORDER BY r.ts;

-- a self join with aliases: each alias gets its own conjuncts
SELECT a.sensor, a.ts, b.ts FROM readings a JOIN readings b ON a.sensor = b.sensor AND a.ts < b.ts WHERE a.ts <= 1000 AND b.ts >= 2000 ORDER BY b.ts;

-- a CTE on one side, a table on the other
WITH hot AS (SELECT sensor, room FROM readings WHERE temp > 20) SELECT DISTINCT hot.sensor, o.building FROM hot JOIN rooms o ON hot.room = o.room WHERE o.building = 'north';

-- the conjuncts pushed to one side filter it before the join: the join condition never sees the rows WHERE drops
-- (room 9 would divide by zero here)
SELECT r.sensor, o.room FROM readings r JOIN rooms o ON 100 / (r.room - 9) < o.room - 15 WHERE r.room <> 9 ORDER BY r.ts, r.sensor, o.room;
