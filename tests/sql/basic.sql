CREATE TABLE system_metrics (
    host STRING,
    idc STRING,
    cpu_util DOUBLE,
    memory_util DOUBLE,
    disk_util DOUBLE,
    ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY(host, idc),
    TIME INDEX(ts)
);

INSERT INTO system_metrics
VALUES
    ('host1', 'idc_a', 11.8, 10.3, 10.3, 1667446797450),
    ('host2', 'idc_a', 80.0, 70.3, 90.0, 1667446797450),
    ('host1', 'idc_b', 50.0, 66.7, 40.6, 1667446797450);

SELECT * FROM system_metrics;

SELECT count(*) FROM system_metrics;

SELECT avg(cpu_util) FROM system_metrics;

SELECT idc, avg(memory_util) FROM system_metrics GROUP BY idc ORDER BY idc;

SELECT host, sum(cpu_util) AS s, count(DISTINCT idc) FROM system_metrics GROUP BY host HAVING sum(cpu_util) > 10 ORDER BY s DESC;

SELECT host, cpu_util * 2 + 1, cpu_util / 4 FROM system_metrics WHERE idc = 'idc_a' ORDER BY host;

SELECT hots FROM system_metrics;

SELECT * FROM system_metrics WHERE ts >= '2022-11-03 03:39:57' AND ts < '2022-11-04' ORDER BY cpu_util LIMIT 2 OFFSET 1;

DESCRIBE TABLE system_metrics;

SHOW TABLES;

DROP TABLE system_metrics;
