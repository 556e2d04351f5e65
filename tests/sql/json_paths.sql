-- JSON getters over paths: ':' separates keys like '.', a filter ?(@ op value) keeps a value only when it passes,
-- json_get_int takes whole numbers only, json_get_string refuses objects, json_get_object and json_get(j, path, kind).
CREATE TABLE events(doc JSON, ts TIMESTAMP TIME INDEX);

INSERT INTO events VALUES (parse_json('{"svc": {"lat": {"p99": 12}}, "ok": true}'), 1), (parse_json('{"svc": {"lat": {"p99": 12.75}}, "ok": false}'), 2), (parse_json('{"svc": {"lat": "n/a"}}'), 3);

SELECT json_get_int(doc, 'svc:lat.p99'), json_get_float(doc, 'svc.lat:p99'), json_get_string(doc, 'svc.lat'), json_get_bool(doc, 'ok') FROM events ORDER BY ts;

SELECT json_get_float(doc, 'svc.lat.p99?(@ > 12)'), json_get_int(doc, 'svc.lat.p99?(@ == 12)'), json_get_string(doc, 'svc.lat?(@ == "n/a")') FROM events ORDER BY ts;

SELECT json_to_string(json_get_object(doc, 'svc.lat')), json_get_int(json_get_object(doc, 'svc'), 'lat.p99') FROM events ORDER BY ts;

SELECT json_get(doc, 'svc.lat.p99', 'float'), json_get(doc, 'ok', 'bool'), json_get(doc, 'svc.lat', 'string') FROM events ORDER BY ts;

SELECT json_get(doc, 'ok', 'date') FROM events;

SELECT json_is_float(parse_json('3')), json_is_float(parse_json('3.5')), json_is_int(parse_json('3.5')), json_get_int(parse_json('[7, 7.5, true]'), '[2]');

-- a path that does not parse selects nothing: NULL, as GreptimeDB's json_get functions answer
SELECT json_get_int(doc, 'svc.lat?(@ ~ 1)') FROM events;

DROP TABLE events;
