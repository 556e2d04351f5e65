-- chrono format specifiers: date_format / to_char out, to_timestamp / to_date with formats in; NULLs and bad input.
SELECT date_format('2024-03-05 13:04:05.123456789'::timestamp, '%Y-%m-%d %H:%M:%S%.3f') AS a, to_char('2024-03-05 13:04:05'::timestamp, '%a %A %b %B %j') AS b;

SELECT date_format('2024-03-05 01:04:05'::timestamp, '%y %e %I %l %p %P %T %D %R %F') AS a, date_format('2024-03-05 01:04:05'::timestamp, '%u %w %U %W %G-W%V %C') AS b;

SELECT date_format('2024-03-05 13:04:05.120'::timestamp, '%.f|%.6f|%3f|%f|%s|%z|%:z|%%|%-d|%_m|%Q') AS a;

SELECT date_format('2024-03-05 13:04:05'::timestamp, '%c') AS a, date_format('2024-03-05 13:04:05.5'::timestamp, '%+') AS b;

SELECT date_format(NULL, '%Y') AS a, to_char('2021-01-01 00:00:00'::timestamp, '%Y/%m') AS b;

SELECT to_timestamp('03/01/2024 10:00', '%m/%d/%Y %H:%M') AS a, to_timestamp('2024-02-29T23:59:59.5+02:00', '%Y-%m-%dT%H:%M:%S%.f%:z') AS b;

SELECT to_timestamp_millis('5 Mar 2024 1:02:03 PM', '%Y', '%d %b %Y %I:%M:%S %p') AS a, to_timestamp_seconds('1700000000', '%s') AS b;

SELECT to_date('2024-03-05') AS a, to_date('05.03.24', '%d.%m.%y') AS b, to_date(19000) AS c, to_date(NULL) AS d, to_date('2024-03-05', NULL) AS e;

SELECT to_date('2023-01-31T09:26:56.123456789-05:00') AS a, arrow_typeof(to_date('2024-01-01')) AS t;

SELECT to_timestamp('2024-13-01', '%Y-%m-%d');

SELECT to_date('31/04/2024', '%d/%m/%Y');

SELECT to_date('2024-01-01', '%Y-%m-%d', '%d');

SELECT date_format('2024-01-01 00:00:00'::timestamp);
