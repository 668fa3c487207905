-- Cursor and reload keys are stored as values, no longer as SQL literals for the source: a JSON array with
-- one string per key column, the value's text as the source sends it (hexadecimal digits for binary and BIT
-- columns). s2pg renders each value for its column's type when it builds a query, and refuses one that is
-- not a value of that type, so nothing stored here can change the shape of the SQL sent to the source.

-- The literals s2pg wrote so far: 'text' with '' and \\ doubled, X'hex' for bytes and bits, bare numbers.
CREATE FUNCTION pg_temp.s2pg_values(literals text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_agg(CASE
        WHEN literal LIKE 'X''%''' THEN lower(substr(literal, 3, length(literal) - 3))
        WHEN literal LIKE '''%''' THEN replace(replace(substr(literal, 2, length(literal) - 2), '''''', ''''), '\\', '\')
        ELSE literal END ORDER BY position)
    FROM unnest(literals) WITH ORDINALITY AS l(literal, position)
$$;

ALTER TABLE table_state
    ALTER COLUMN cursor_key TYPE jsonb USING pg_temp.s2pg_values(cursor_key),
    ALTER COLUMN full_load_key TYPE jsonb USING pg_temp.s2pg_values(full_load_key);

DROP FUNCTION pg_temp.s2pg_values(text[]);
