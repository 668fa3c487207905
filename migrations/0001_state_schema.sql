-- s2pg's state lives in its own schema (target.state_schema, default s2pg); s2pg sets search_path to it
-- before running a migration, so names here are unqualified.

-- Which migrations have been applied, with a checksum of each file's text so an edited migration is caught.
CREATE TABLE schema_migrations (
    version     integer PRIMARY KEY,
    name        text        NOT NULL,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per replicated table. The cursor is written in the same transaction as the rows it describes.
CREATE TABLE table_state (
    source_table          text PRIMARY KEY,
    target_table          text   NOT NULL UNIQUE,
    mode                  text   NOT NULL CHECK (mode IN ('incremental', 'full')),
    -- The last applied (updated_at, key) pair: updated_at exactly as the source wrote it (microseconds, no
    -- zone shift), the key as SQL literals for the source.
    cursor_updated_at     text,
    cursor_key            text[],
    rows_applied          bigint NOT NULL DEFAULT 0,
    last_run_at           timestamptz,
    last_success_at       timestamptz,
    last_error            text,
    last_error_at         timestamptz,
    -- Set when columns were added to the mirror: the next sync reloads the table, so rows that did not
    -- change since still get the new columns' values.
    refill_reason         text,
    -- A reload in progress: the table being filled, the last key copied into it (for resuming), and the
    -- source's clock when it began (the incremental cursor once it is swapped in).
    full_load_table       text,
    full_load_key         text[],
    full_load_started_at  text,
    -- Values changed by policy to fit PostgreSQL, counted since the table was first synced.
    invalid_dates_nulled  bigint NOT NULL DEFAULT 0,
    nul_bytes_removed     bigint NOT NULL DEFAULT 0,
    invalid_utf8_replaced bigint NOT NULL DEFAULT 0
);

-- The mirror's name of every column. s2pg shortens names over PostgreSQL's 63 bytes (with a hash suffix);
-- table names are in table_state.target_table.
CREATE TABLE column_map (
    source_table  text NOT NULL,
    source_column text NOT NULL,
    target_column text NOT NULL,
    PRIMARY KEY (source_table, source_column)
);

-- Rows PostgreSQL refused even after the value policies (a constraint added to the mirror, say): kept here
-- with the reason, while the rest of their page is applied.
CREATE TABLE rejects (
    id           bigserial PRIMARY KEY,
    source_table text        NOT NULL,
    row_key      text        NOT NULL,
    reason       text        NOT NULL,
    row_data     text        NOT NULL,
    rejected_at  timestamptz NOT NULL DEFAULT now()
);
