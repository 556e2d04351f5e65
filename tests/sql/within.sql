-- ts WITHIN '<period>': the rows in the year, month, day, hour, minute or second the text names.
CREATE TABLE logins(usr STRING PRIMARY KEY, ts TIMESTAMP TIME INDEX);

INSERT INTO logins VALUES ('a', '2023-12-31 23:59:59'), ('b', '2024-01-01 00:00:00'), ('c', '2024-02-29 12:30:15'), ('d', '2024-02-29 12:31:00'), ('e', '2024-03-01 00:00:00');

SELECT usr FROM logins WHERE ts WITHIN '2024' ORDER BY usr;

SELECT usr FROM logins WHERE ts WITHIN '2024-02' ORDER BY usr;

SELECT usr FROM logins WHERE ts WITHIN '2024-02-29T12' ORDER BY usr;

SELECT usr FROM logins WHERE ts WITHIN '2024-02-29 12:30' ORDER BY usr;

SELECT usr FROM logins WHERE ts WITHIN '2024-02-29T12:30:15' AND usr <> 'x' ORDER BY usr;

SELECT count(*) FROM logins WHERE ts WITHIN '2025';

SELECT usr FROM logins WHERE ts WITHIN '2024-02-30';

SELECT usr FROM logins WHERE ts WITHIN 'February';

DROP TABLE logins;
