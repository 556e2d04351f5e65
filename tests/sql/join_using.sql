-- USING and NATURAL joins: the join column appears once in SELECT * and resolves unqualified
CREATE TABLE shelves (shelf INT, room STRING, ts TIMESTAMP TIME INDEX);

CREATE TABLE books (title STRING, shelf INT, ts TIMESTAMP TIME INDEX);

INSERT INTO shelves VALUES (1, 'east', 1000), (2, 'west', 2000), (3, 'attic', 3000);

INSERT INTO books VALUES ('Dune', 1, 4000), ('Emma', 2, 5000), ('Ulysses', 1, 6000), ('Walden', 9, 7000);

-- the kept copy is the one of the table whose name sorts first (books), in its place
SELECT * FROM shelves JOIN books USING (shelf) ORDER BY title;

SELECT shelf, room, title FROM shelves JOIN books USING (shelf) ORDER BY title;

-- a qualified name still reaches either copy
SELECT shelves.shelf, books.shelf FROM shelves JOIN books USING (shelf) ORDER BY title;

SELECT shelves.* FROM shelves JOIN books USING (shelf) ORDER BY title;

CREATE TABLE rooms (room STRING, floor INT, stamp TIMESTAMP TIME INDEX);

INSERT INTO rooms VALUES ('east', 1, 1000), ('west', 2, 2000);

-- NATURAL joins on every column name the two sides share (room); rooms sorts first, its copy stays
SELECT * FROM shelves NATURAL JOIN rooms ORDER BY shelf;
