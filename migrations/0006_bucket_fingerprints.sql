-- What the source held in each bucket of a full-mode table's rows when the mirror was last found equal to it
-- there: the bucket's row count and the sum of its rows' fingerprints (CRC32s the source computes alone). A
-- pass compares the source's buckets with these instead of reading the mirror again; `sum` NULL marks a
-- bucket repaired since, compared row by row on the next pass. table_state says which bucketing and which
-- source query they come from (a digest of it): when either changes, these rows count for nothing.
CREATE TABLE bucket_fingerprints (
    source_table text   NOT NULL REFERENCES table_state (source_table) ON DELETE CASCADE,
    bucket       bigint NOT NULL,
    rows         bigint NOT NULL,
    sum          numeric,
    PRIMARY KEY (source_table, bucket)
);
ALTER TABLE table_state ADD COLUMN fingerprint_bucketing text, ADD COLUMN fingerprint_basis text;
