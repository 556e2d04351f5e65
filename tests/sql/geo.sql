-- Geo functions, GreptimeDB's names and argument orders; expected values checked against GreptimeDB's own sqlness results.
SELECT h3_latlng_to_cell(37.76938, -122.3889, 0), h3_latlng_to_cell_string(37.76938, -122.3889, 0);

SELECT h3_latlng_to_cell(37.76938, -122.3889, 8), h3_latlng_to_cell_string(37.76938, -122.3889, 8);

SELECT h3_latlng_to_cell(37.76938, -122.3889, 100);

SELECT h3_cell_to_string(h3_latlng_to_cell(37.76938, -122.3889, 8::UInt64)) AS cell_str, h3_string_to_cell(h3_latlng_to_cell_string(37.76938, -122.3889, 8::UInt64)) AS cell_index;

SELECT h3_cell_center_latlng(h3_latlng_to_cell(37.76938, -122.3889, 8::UInt64)) AS cell_center;

SELECT h3_cell_resolution(cell) AS resolution, h3_cell_base(cell) AS base, h3_cell_is_pentagon(cell) AS pentagon, h3_cell_parent(cell, 6::UInt64) AS parent, h3_cell_to_children_size(cell, 10) AS children_count, h3_cell_to_child_pos(cell, 6) AS child_pos, h3_child_pos_to_cell(25, cell, 11) AS child FROM (SELECT h3_latlng_to_cell(37.76938, -122.3889, 8::UInt64) AS cell);

SELECT h3_grid_distance(cell1, cell2) AS distance, h3_grid_path_cells(cell1, cell2) AS path_cells, round(h3_distance_sphere_km(cell1, cell2), 5) AS sphere_distance, round(h3_distance_degree(cell1, cell2), 14) AS euclidean_distance FROM (SELECT h3_string_to_cell('86283082fffffff') AS cell1, h3_string_to_cell('86283470fffffff') AS cell2);

SELECT h3_cells_contains('86283470fffffff,862834777ffffff, 862834757ffffff, 86283471fffffff, 862834707ffffff', '8b283470d112fff') AS r00, h3_cells_contains('86283470fffffff,862834777ffffff, 862834757ffffff, 86283471fffffff, 862834707ffffff', 604189641792290815) AS r01, h3_cells_contains('86283470fffffff,862834777ffffff, 862834757ffffff, 86283471fffffff, 862834707ffffff', 626707639343067135) AS r02;

SELECT geohash(37.76938, -122.3889, 9), geohash(37.76938, -122.3889, 11);

SELECT geohash(37.76938, -122.3889, 100);

SELECT geohash_neighbours(37.76938, -122.3889, 11);

SELECT s2_latlng_to_cell(37.76938, -122.3889) AS cell, s2_cell_to_token(s2_latlng_to_cell(37.76938, -122.3889)) AS token, s2_cell_level(s2_latlng_to_cell(37.76938, -122.3889)) AS level, s2_cell_parent(s2_latlng_to_cell(37.76938, -122.3889), 3) AS parent;

SELECT wkt_point_from_latlng(37.76938, -122.3889) AS point;

SELECT st_distance(p1, p2) AS euclidean_dist, st_distance_sphere_m(p1, p2) AS sphere_dist_m, st_distance(p1, polygon1) AS euclidean_dist_pp, st_area(p1) AS area_point, st_area(polygon1) AS area_polygon FROM (SELECT wkt_point_from_latlng(37.76938, -122.3889) AS p1, wkt_point_from_latlng(38.5216, -121.4247) AS p2, 'POLYGON ((-121.491698 38.653343, -121.582353 38.556757, -121.469721 38.449287, -121.315883 38.541721, -121.491698 38.653343))' AS polygon1);

SELECT st_distance_sphere_m(wkt_point_from_latlng(37.76938, -122.3889), 'POLYGON ((-121.491698 38.653343, -121.582353 38.556757, -121.469721 38.449287, -121.315883 38.541721, -121.491698 38.653343))');

SELECT st_contains(polygon1, p1), st_contains(polygon2, p1), st_within(p1, polygon1), st_within(p1, polygon2), st_intersects(polygon1, polygon2), st_intersects(polygon1, polygon3) FROM (SELECT wkt_point_from_latlng(37.383287, -122.01325) AS p1, 'POLYGON ((-122.031661 37.428252, -122.139829 37.387072, -122.135365 37.361971, -122.057759 37.332222, -121.987707 37.328946, -121.943754 37.333041, -121.919373 37.349145, -121.945814 37.376705, -121.975689 37.417345, -121.998696 37.409164, -122.031661 37.428252))' AS polygon1, 'POLYGON ((-121.491698 38.653343, -121.582353 38.556757, -121.469721 38.449287, -121.315883 38.541721, -121.491698 38.653343))' AS polygon2, 'POLYGON ((-122.089628 37.450332, -122.20535 37.378342, -122.093062 37.36088, -122.044301 37.372886, -122.089628 37.450332))' AS polygon3);

SELECT st_area('POLYGON ((0 0, 1 0, 1 1, 0 0)');

SELECT st_intersects('LINESTRING (0 0, 2 2)', 'LINESTRING (0 2, 2 0)'), st_contains('POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))', 'POINT (1.5 1.5)'), st_contains('POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))', 'LINESTRING (1 1, 3 3)');

CREATE TABLE trips (ts TIMESTAMP TIME INDEX, lat DOUBLE, lng DOUBLE, city STRING, SPATIAL INDEX (lat, lng) WITH (node_size = '8'));

SHOW CREATE TABLE trips;

INSERT INTO trips VALUES (1, 37.76938, -122.3889, 'sf'), (2, 38.5216, -121.4247, 'sac'), (3, 37.383287, -122.01325, 'sv');

SELECT city FROM trips WHERE lat BETWEEN 37 AND 38 AND lng BETWEEN -122.5 AND -122 ORDER BY city;

SELECT city, round(st_distance_sphere_m(wkt_point_from_latlng(lat, lng), 'POINT(-122.3889 37.76938)')) AS m FROM trips WHERE st_distance_sphere_m(wkt_point_from_latlng(lat, lng), 'POINT(-122.3889 37.76938)') < 60000 ORDER BY m;

CREATE TABLE bad1 (ts TIMESTAMP TIME INDEX, lat DOUBLE, name STRING, SPATIAL INDEX (lat, name));

CREATE TABLE bad2 (ts TIMESTAMP TIME INDEX, lat DOUBLE, SPATIAL INDEX (lat));

CREATE TABLE bad3 (ts TIMESTAMP TIME INDEX, lat DOUBLE, lng DOUBLE, SPATIAL INDEX (lat, lng) WITH (node_size = '1'));

CREATE TABLE bad4 (ts TIMESTAMP TIME INDEX, lat DOUBLE, SPATIAL INDEX (lat, lon));

CREATE TABLE tracks (ts TIMESTAMP TIME INDEX, vehicle STRING PRIMARY KEY, lat DOUBLE, lng DOUBLE);

INSERT INTO tracks VALUES ('2024-05-01 10:00:30', 'bus-7', 48.8600, 2.3400), ('2024-05-01 10:00:10', 'bus-7', 48.8584, 2.2945), ('2024-05-01 10:00:20', 'bus-7', NULL, 2.3000), ('2024-05-01 10:00:05', 'tram-2', 45.7640, 4.8357), ('2024-05-01 10:00:15', 'tram-2', 45.7578, 4.8320);

SELECT vehicle, json_encode_path(lat, lng, ts) AS path, geo_path(lat, lng, ts) AS parts FROM tracks GROUP BY vehicle ORDER BY vehicle;

SELECT vehicle, unnest(geo_path(lat, lng, ts)) FROM tracks WHERE vehicle = 'tram-2' GROUP BY vehicle;

SELECT json_encode_path(lat, lng, ts) AS none FROM tracks WHERE vehicle = 'nobody';

SELECT json_encode_path(lat, lng) FROM tracks;

SELECT geo_path(lat, lng, 5) FROM tracks;

DROP TABLE tracks;
