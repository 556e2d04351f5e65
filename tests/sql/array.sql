-- List functions: building, measuring, searching, reshaping; NULL lists and elements; argument errors.
SELECT make_array(1, 2, 3), make_array('a', NULL, 'c'), make_array();

SELECT array_length(make_array(1, 2, 3)), cardinality(make_array(make_array(1, 2), make_array(3, 4))), array_ndims(make_array(make_array(1), make_array(2)));

SELECT array_dims(make_array(make_array(1, 2, 3), make_array(4, 5, 6))), array_empty(make_array()), empty(make_array(1));

SELECT array_element(make_array(10, 20, 30), 2), array_element(make_array(10, 20, 30), -1), array_element(make_array(10, 20, 30), 7), list_extract(make_array('x', 'y'), 1);

SELECT array_has(make_array(1, 2, 3), 2), array_contains(make_array(1, 2, 3), 5), array_has_all(make_array(1, 2, 3), make_array(3, 1)), array_has_any(make_array(1, 2), make_array(7, 2));

SELECT array_position(make_array(5, 6, 5), 5), array_position(make_array(5, 6, 5), 5, 2), array_position(make_array(5, 6), 9), array_positions(make_array(5, 6, 5), 5);

SELECT array_to_string(make_array(1, NULL, 3), '-'), array_to_string(make_array(1, NULL, 3), '-', '?'), array_join(make_array(make_array('a', 'b'), make_array('c')), ',');

SELECT array_append(make_array(1, 2), 3), array_prepend(0, make_array(1, 2)), array_concat(make_array(1), make_array(2, 3), make_array(4)), array_append(NULL, 1);

SELECT array_pop_back(make_array(1, 2, 3)), array_pop_front(make_array(1, 2, 3)), array_reverse(make_array(1, 2, 3)), array_distinct(make_array(3, 1, 3, 2, 1));

SELECT array_sort(make_array(3, NULL, 1, 2)), array_sort(make_array(3, NULL, 1, 2), 'DESC', 'NULLS LAST'), array_sort(make_array('b', 'c', 'a'));

SELECT array_union(make_array(1, 2), make_array(2, 3)), array_intersect(make_array(1, 2, 2, 3), make_array(2, 3, 4)), array_except(make_array(1, 2, 3, 1), make_array(2));

SELECT array_remove(make_array(1, 2, 1, 2), 2), array_remove_n(make_array(1, 2, 1, 2, 1), 1, 2), array_remove_all(make_array(1, 2, 1), 1);

SELECT array_replace(make_array(1, 2, 1), 1, 9), array_replace_n(make_array(1, 1, 1), 1, 9, 2), array_replace_all(make_array(1, 2, 1), 1, 9);

SELECT array_repeat('ab', 3), array_repeat(7, 0), array_resize(make_array(1, 2), 4, 0), array_resize(make_array(1, 2, 3), 1);

SELECT array_slice(make_array(1, 2, 3, 4, 5), 2, 4), array_slice(make_array(1, 2, 3, 4, 5), -2, 5), array_slice(make_array(1, 2, 3, 4, 5), 1, 5, 2), array_slice(make_array(1, 2, 3), 3, 1);

SELECT flatten(make_array(make_array(1, 2), make_array(3))), range(5), range(1, 10, 3), generate_series(1, 4), generate_series(5, 1, -2);

SELECT array_max(make_array(3, 9, NULL, 2)), array_min(make_array('b', 'a')), array_any_value(make_array(NULL, 4, 5)), array_distance(make_array(0, 0), make_array(3, 4));

SELECT array_length(NULL), array_element(NULL, 1), array_has(NULL, 1), array_reverse(NULL), array_sort(NULL);

CREATE TABLE lists (ts TIMESTAMP TIME INDEX, host STRING PRIMARY KEY, a INT, b INT);

INSERT INTO lists VALUES (1, 'h1', 1, 2), (2, 'h2', 3, NULL), (3, 'h3', NULL, NULL);

SELECT host, make_array(a, b) AS l, array_length(make_array(a, b)) AS n, array_has(make_array(a, b), 3) AS has3 FROM lists ORDER BY host;

SELECT array_element(make_array(a, b), 1) + 1 AS first_plus_one FROM lists ORDER BY host;

SELECT array_element(make_array(1, 2));

SELECT array_sort(make_array(1, 2), 'UP');

SELECT range(1, 5, 0);

SELECT array_slice('abc', 1, 2);

DROP TABLE lists;
