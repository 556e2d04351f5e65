-- VECTOR(dim): fixed-dimension float32 vectors as GreptimeDB has them; inserted as '[..]' text, shown as Rust prints f32.
CREATE TABLE vecs (ts TIMESTAMP TIME INDEX, vec_col VECTOR(3));

INSERT INTO vecs (ts, vec_col) VALUES ('2024-11-18 00:00:01', '[1.0, 2.0, 3.0]'), ('2024-11-18 00:00:02', '[4.0, 5.0, 6.0]'), ('2024-11-18 00:00:03', '[7.0, 8.0, 9.0]');

SELECT vec_col, vec_l2sq_distance(vec_col, '[5.0, 5.0, 5.0]') AS distance FROM vecs ORDER BY distance, ts;

SELECT ts FROM vecs WHERE vec_col = '[ 4, 5.0, 6 ]';

SELECT vec_dot_product(vec_col, parse_vec('[1, 1, 1]')), vec_dim(vec_col), arrow_typeof(vec_col) FROM vecs ORDER BY ts;

INSERT INTO vecs VALUES ('2024-11-18 00:00:04', '[1, 2]');

INSERT INTO vecs VALUES ('2024-11-18 00:00:04', '[1, 2, x]');

INSERT INTO vecs VALUES ('2024-11-18 00:00:04', '1, 2, 3');

INSERT INTO vecs VALUES ('2024-11-18 00:00:05', '[3.4028235e38, -3.4028235e38, 1.1754944e-38]'), ('2024-11-18 00:00:06', '[0.1, -0.0, 1e-7]'), ('2024-11-18 00:00:07', NULL);

SELECT ts, vec_col, vec_to_string(vec_col) FROM vecs WHERE ts > '2024-11-18 00:00:04' ORDER BY ts;

SELECT count(*) FROM vecs;

SHOW CREATE TABLE vecs;

DESC vecs;

SELECT CAST('[1,2]' AS VECTOR(2)), TRY_CAST('[1]' AS VECTOR(2)), CAST(NULL AS VECTOR(2));

CREATE TABLE novec (ts TIMESTAMP TIME INDEX, v VECTOR);

CREATE TABLE zerovec (ts TIMESTAMP TIME INDEX, v VECTOR(0));

DROP TABLE vecs;

-- element-wise sums and products of a group's vectors (32-bit floats); NULL rows skipped, mixed lengths refused
SELECT k, vec_to_string(vec_sum(v)), vec_to_string(vec_product(v)) FROM (VALUES ('a', '[1, 2]'), ('a', '[3, -4.5]'), ('b', NULL), ('b', '[0.5, 0.5]')) AS t(k, v) GROUP BY k ORDER BY k;

SELECT vec_sum(v) FROM (VALUES ('[1, 2]'), ('[1, 2, 3]')) AS t(v);
