-- to_timezone(ts, zone) as GreptimeDB documented it (v0.4 to v0.9): the instant written as the wall clock of that
-- zone, as text with the fraction it carries; IANA names follow daylight saving, fixed offsets do not; a NULL
-- zone is the session's; an unknown zone is refused.
CREATE TABLE shifts (ts TIMESTAMP(3) TIME INDEX, zone STRING);

INSERT INTO shifts VALUES ('2024-01-15 16:30:00', 'Asia/Shanghai'), ('2024-07-15 16:30:00.125', 'Europe/Berlin'), ('2024-01-15 16:30:00.5', 'Europe/Berlin'), ('2024-03-01 02:00:00', '-05:30'), ('2024-03-02 00:00:00', NULL);

SELECT ts, zone, to_timezone(ts, zone) AS wall FROM shifts ORDER BY ts;

SELECT to_timezone(ts, 'Asia/Shanghai') AS shanghai, arrow_typeof(to_timezone(ts, 'Asia/Shanghai')) AS t FROM shifts ORDER BY ts LIMIT 2;

SELECT to_timezone('1970-01-01 00:00:01'::TIMESTAMP_S, 'America/New_York'), to_timezone(1::TIMESTAMP_NS, 'Europe/Moscow');

SELECT to_timezone(NULL::TIMESTAMP, 'UTC');

SELECT to_timezone(ts, 'Mars/Olympus') FROM shifts;

SET time_zone = '+08:00';

SELECT to_timezone(ts, zone) FROM shifts WHERE zone IS NULL;
