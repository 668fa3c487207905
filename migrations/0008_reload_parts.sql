-- A reload split into parts of its key range, copied at once over sync.parallel_streams connections: each
-- part's range (keys above after_key, up to and including through_key; NULL is the table's start or end)
-- and the last key it copied, so that each part resumes on its own. Written in the transaction of the rows
-- it describes; cleared when the reload is swapped in. A reload in one stream keeps using
-- table_state.full_load_key.
CREATE TABLE reload_parts (
    source_table text    NOT NULL REFERENCES table_state (source_table) ON DELETE CASCADE,
    part         integer NOT NULL,
    after_key    jsonb,
    through_key  jsonb,
    done_key     jsonb,
    finished     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (source_table, part)
);
